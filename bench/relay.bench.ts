// Kafka publishing: the kernel's relay (log → CloudEvents → kafkajs) against a raw kafkajs producer,
// and the raw kafkajs producer against @platformatic/kafka, all idempotent with acks=all, same data.
import { MongoClient } from 'mongodb';
import { Kafka, logLevel } from 'kafkajs';
import { EventRelay, JsonEventCodec, KafkajsBroker } from '@yiwang/kernel-kafka';
import { MongoEventStore, mongoRelayStorage } from '@yiwang/kernel-mongodb';
import type { Servers } from '../infra/local/servers.mjs';
import { report, type Run } from './stats';

const payload = JSON.stringify({ category: 'event.01.02', description: 'x'.repeat(300) });

async function rawKafkajs(brokers: string[], topic: string, n: number, batch: number): Promise<Run> {
  const producer = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += batch) {
    const t = process.hrtime.bigint();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(batch, n - i) }, (_, k) => ({ key: `s-${(i + k) % 50}`, value: payload })) });
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.disconnect();
  return { name: `kafkajs producer, batches of ${batch}`, ops: n, seconds, latenciesMs: lat };
}

async function rawPlatformatic(brokers: string[], topic: string, n: number, batch: number): Promise<Run | null> {
  const mod = (await import('@platformatic/kafka').catch(() => null)) as null | {
    Producer: new (o: object) => { send(o: object): Promise<unknown>; close(): Promise<void> };
    stringSerializers: object;
  };
  if (!mod) return null;
  const producer = new mod.Producer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers, serializers: mod.stringSerializers, idempotent: true, acks: -1 });
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += batch) {
    const t = process.hrtime.bigint();
    await producer.send({ messages: Array.from({ length: Math.min(batch, n - i) }, (_, k) => ({ topic, key: `s-${(i + k) % 50}`, value: payload })) });
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.close();
  return { name: `@platformatic/kafka producer, batches of ${batch}`, ops: n, seconds, latenciesMs: lat };
}

export async function benchRelay(servers: Servers, scale: number): Promise<string> {
  const brokers = servers.kafkaBrokers.split(',');
  const stamp = Date.now();
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = ['raw', 'plat'].map((t) => `bench.${t}.${stamp}`);
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })) });
  await admin.disconnect();
  const n = 5000 * scale;
  const out = ['## Kafka publishing', ''];
  const kafkajs = await rawKafkajs(brokers, topics[0]!, n, 200);
  const platformatic = await rawPlatformatic(brokers, topics[1]!, n, 200);
  if (platformatic) out.push(report(`client comparison, ${n} messages of ~350 B (baseline: kafkajs)`, kafkajs, platformatic));
  else out.push('@platformatic/kafka did not load; client comparison skipped\n');

  // The relay end to end: events already in the ordered log, published until the checkpoint reaches the head.
  const client = await MongoClient.connect(servers.mongoUri);
  const db = client.db(`bench_relay_${stamp}`);
  const store = new MongoEventStore(db, { serviceName: `benchrelay${stamp}` });
  const events = 1000 * scale;
  for (let i = 0; i < events; i += 50) await store.append(`s-${i / 50}`, 'no_stream', Array.from({ length: 50 }, () => ({ type: 'bench.thing.v1', data: JSON.parse(payload) as unknown })));
  await store.sequenceOnce();
  const broker = new KafkajsBroker({ brokers, clientId: 'bench-relay' });
  const relay = new EventRelay({ store, ...mongoRelayStorage(db), broker, serviceName: `benchrelay${stamp}`, codec: new JsonEventCodec(), batchSize: 500, pollIntervalMs: 10 });
  const t0 = process.hrtime.bigint();
  await relay.start();
  const checkpoints = db.collection<{ _id: string; position: number }>('relay_checkpoints');
  for (;;) {
    const c = await checkpoints.find({}).toArray();
    if (c.some((x) => x.position >= events)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const relayRun: Run = { name: 'EventRelay (log → CloudEvents → kafkajs)', ops: events, seconds: Number(process.hrtime.bigint() - t0) / 1e9, latenciesMs: [] };
  await relay.stop();
  const baseline = await rawKafkajs(brokers, topics[0]!, events, 500);
  out.push(`### relay vs raw producer, ${events} events`);
  out.push(`| run | events/s |\n|---|---|\n| ${baseline.name} | ${(events / baseline.seconds).toFixed(0)} |\n| ${relayRun.name} | ${(events / relayRun.seconds).toFixed(0)} |`);
  out.push(`ratio relay / raw: ${(baseline.seconds / relayRun.seconds).toFixed(2)}× (the relay also reads the log from the database and stores checkpoints)\n`);
  await client.close();
  return out.join('\n');
}
