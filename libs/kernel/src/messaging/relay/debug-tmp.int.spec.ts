import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { MongoEventStore } from '../../store/mongo/mongo-event-store';
import { KafkajsBroker } from '../kafkajs/kafkajs-broker';
import { JsonEventCodec } from '../cloudevents/event-codec';
import { EventRelay } from './event-relay';
import { RelayCheckpoints } from './relay-checkpoints';

it('debug', async () => {
  const t = await testDatabase(__filename);
  const prefix = uniqueName(__filename);
  const store = new MongoEventStore(t.db, { serviceName: 'dbg' });
  await store.init();
  let t0 = Date.now();
  for (let v = 0; v < 2; v++) await Promise.all(Array.from({ length: 50 }, (_, s) => store.append(`case-${s}`, 'any', [{ type: 'x.v1', data: { s, v } }])));
  console.log('append 100', Date.now() - t0); t0 = Date.now();
  const sq = store.sequencer as unknown as Record<string, () => Promise<unknown>>;
  await sq.ensureTail!.call(store.sequencer); console.log('tail', Date.now() - t0);
  await sq.maybeSweep!.call(store.sequencer); console.log('sweep', Date.now() - t0);
  const markers = await store.pending.find({}).toArray(); console.log('markers', markers.length, Date.now() - t0);
  for (let i = 0; i < 20; i++) { const r = await store.sequencer.step(); console.log('step', r, Date.now() - t0, await store.headPosition()); if (!r.progressed) break; }
  console.log('seq', Date.now() - t0, await store.headPosition()); t0 = Date.now();
  const broker = new KafkajsBroker({ brokers: testServers().kafkaBrokers, clientId: prefix, logLevel: 'warn' });
  const relay = new EventRelay({ store, db: t.db, broker, serviceName: prefix, codec: new JsonEventCodec(), partitions: 4, leaseTtlMs: 3000, onError: (e) => console.log('relay error', e) });
  await relay.start();
  console.log('start', Date.now() - t0); t0 = Date.now();
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const c = await new RelayCheckpoints(t.db).get(relay.topic);
    if (i % 10 === 0 || c === 100) console.log('cp', c, relay.isActive, Date.now() - t0);
    if (c === 100) break;
  }
  await relay.stop();
  await t.close();
}, 60000);
