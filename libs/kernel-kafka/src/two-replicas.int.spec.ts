// Two replicas of one service on the same database, topic and consumer group, each with its own
// sequencer, relay, projector and consumer: both take commands, exactly one of each leased worker is
// active, and when the active one's workers die the other takes over — with every count equal at the end.
import type { Db } from 'mongodb';
import type { LoggedEvent, Projection, ReadModels } from '@yiwang/kernel-core';
import { MongoEventStore, MongoInbox, MongoLease, Projector, mongoRelayStorage } from '@yiwang/kernel-mongodb';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { createMessageBroker } from './broker-factory';
import { JsonEventCodec } from './cloudevents/event-codec';
import { EventConsumer } from './consumer/event-consumer';
import { readTopic, until } from './messaging.test-helpers';
import { fromKafkaMessage } from './cloudevents/kafka-binding';
import type { MessageBroker } from './ports';
import { EventRelay } from './relay/event-relay';

const prefix = uniqueName(__filename);
const codec = new JsonEventCodec();
const service = `${prefix}_svc`;
const topic = `yiwang.${service}.events.v1`;
const group = `${prefix}.counter`;
const TTL = 2_000;
let t: Awaited<ReturnType<typeof testDatabase>>;
let broker: MessageBroker;

beforeAll(async () => {
  t = await testDatabase(__filename);
  broker = createMessageBroker({ brokers: testServers().kafkaBrokers, clientId: prefix });
});
afterAll(() => t.close());

/** One document per case, so the read model's size is the number of cases projected. */
const cases: Projection = {
  name: `${prefix}_cases`.replace(/[^A-Za-z0-9_]/g, '_'),
  handles: ['test.case.opened.v1'],
  async apply(e: LoggedEvent, models: ReadModels) {
    await models.model<{ n: number }>('rows').upsert(e.streamId, e, () => ({ n: (e.data as { n: number }).n }));
  },
};

interface Replica {
  readonly name: string;
  readonly store: MongoEventStore;
  readonly relay: EventRelay;
  readonly projector: Projector;
  readonly consumer: EventConsumer;
}

async function startReplica(db: Db, name: string, handled: Map<string, string>): Promise<Replica> {
  const store = new MongoEventStore(db, { serviceName: service, sequencer: { owner: `sequencer-${name}`, leaseTtlMs: TTL } });
  await store.init();
  store.startSequencer();
  const relay = new EventRelay({
    store,
    ...mongoRelayStorage(db),
    broker,
    serviceName: service,
    codec,
    partitions: 4,
    pollIntervalMs: 50,
    leaseTtlMs: TTL,
    owner: `relay-${name}`,
  });
  await relay.start();
  const projector = new Projector(db, store, cases, { pollIntervalMs: 50, leaseTtlMs: TTL, owner: `projector-${name}` });
  projector.start();
  const consumer = new EventConsumer({
    broker,
    inbox: new MongoInbox(db),
    group,
    topics: [topic],
    codec,
    consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000 },
    handler: async (event) => void handled.set(event.id, name),
  });
  await consumer.start();
  return { name, store, relay, projector, consumer };
}

const holder = async (lease: string): Promise<string | null> => (await new MongoLease(t.db, lease, 'observer').holder())?.owner ?? null;

async function accept(replica: Replica, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++)
    await replica.store.append(`case-${n}`, 'no_stream', [
      { type: 'test.case.opened.v1', data: { n }, metadata: { actor: { subject: 'u1', department: 'd1' } } },
    ]);
}

it('runs one active sequencer, relay and projector across two replicas, hands them over when the active one dies, and loses nothing', async () => {
  const handled = new Map<string, string>();
  const a = await startReplica(t.db, 'a', handled);
  const b = await startReplica(t.db, 'b', handled);
  const replicas = [a, b];
  try {
    // Both replicas take commands.
    await Promise.all([accept(a, 0, 40), accept(b, 40, 40)]);
    await until(async () => (await a.store.headPosition()) === 80, 60_000, '80 events sequenced');

    // Exactly one holder per kind, and exactly one relay active.
    const leases = [`sequencer:${service}`, `relay:${topic}`, `projection:${cases.name}`];
    await until(async () => (await Promise.all(leases.map(holder))).every((h) => h !== null), 30_000, 'every lease held');
    await until(async () => a.relay.isActive !== b.relay.isActive, 30_000, 'exactly one relay active');
    const activeRelay = a.relay.isActive ? a : b;
    const other = activeRelay === a ? b : a;
    expect(await holder(`relay:${topic}`)).toBe(`relay-${activeRelay.name}`);

    // The active relay dies as in a crash (no release); the sequencer and projector of the same
    // replica stop too, while the replica's API still takes commands (its appends wait in the store).
    activeRelay.relay.abort();
    await activeRelay.store.stopSequencer();
    await activeRelay.projector.stop();
    await Promise.all([accept(activeRelay, 80, 30), accept(other, 110, 30)]);

    await until(async () => other.relay.isActive, 30_000, `relay ${other.name} taking over`);
    await until(async () => (await holder(`sequencer:${service}`)) === `sequencer-${other.name}`, 30_000, 'the sequencer handed over');
    await until(async () => (await holder(`projection:${cases.name}`)) === `projector-${other.name}`, 30_000, 'the projector handed over');

    // Counts equal: the log, the topic (distinct events), the consumer group and the read model.
    await until(async () => (await other.store.headPosition()) === 140, 60_000, '140 events sequenced');
    await until(async () => handled.size === 140, 90_000, '140 events consumed');
    await until(async () => (await t.db.collection(`rm_${cases.name}_rows_g1`).countDocuments({})) === 140, 60_000, '140 cases projected');
    const log = await other.store.readAll({ after: 0, limit: 1_000 });
    expect(log).toHaveLength(140);
    const published = new Set((await readTopic(broker, topic)).map((m) => fromKafkaMessage(m, codec).id));
    expect(published.size).toBe(140);
    expect([...published].sort()).toEqual(log.map((e) => e.id).sort());
    expect([...handled.keys()].sort()).toEqual(log.map((e) => e.id).sort());
  } finally {
    for (const r of replicas) {
      await r.consumer.stop();
      await r.relay.stop();
      await r.projector.stop();
      await r.store.stopSequencer();
    }
  }
});
