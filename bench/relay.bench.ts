// Kafka publishing: the kernel's relay (log → CloudEvents → kafkajs) against a raw kafkajs producer,
// and the raw kafkajs producer against @platformatic/kafka, all idempotent with acks=all, same data.
import { MongoClient } from 'mongodb';
import { Kafka, logLevel } from 'kafkajs';
import { EventConsumer, EventRelay, JsonEventCodec, KAFKA_CLIENTS, createMessageBroker, type KafkaClient } from '@yiwang/kernel-kafka';
import { MongoEventStore, MongoInbox, mongoRelayStorage } from '@yiwang/kernel-mongodb';
import type { Servers } from '../infra/local/servers.mjs';
import { report, type Run } from './stats';

const payload = JSON.stringify({ category: 'event.01.02', description: 'x'.repeat(300) });

async function rawKafkajs(brokers: string[], topic: string, n: number, batch: number): Promise<Run> {
  const producer = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += batch) {
    const t = process.hrtime.bigint();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: Math.min(batch, n - i) }, (_, k) => ({ key: `s-${(i + k) % 50}`, value: payload })),
    });
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
  const producer = new mod.Producer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: brokers,
    serializers: mod.stringSerializers,
    idempotent: true,
    acks: -1,
  });
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += batch) {
    const t = process.hrtime.bigint();
    await producer.send({
      messages: Array.from({ length: Math.min(batch, n - i) }, (_, k) => ({ topic, key: `s-${(i + k) % 50}`, value: payload })),
    });
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.close();
  return { name: `@platformatic/kafka producer, batches of ${batch}`, ops: n, seconds, latenciesMs: lat };
}

/** Seconds a raw kafkajs consumer takes from its first message to the n-th (no decoding, no database). */
async function rawKafkajsConsume(brokers: string[], topic: string, n: number): Promise<number> {
  const consumer = new Kafka({ brokers, clientId: 'bench-raw-consumer', logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-raw-${Date.now()}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0n;
  let last = 0n;
  await consumer.run({
    autoCommit: false,
    // No decoding, no database, no commits: the client's own delivery rate.
    eachMessage: async () => {
      if (seen++ === 0) first = process.hrtime.bigint();
      last = process.hrtime.bigint();
    },
  });
  while (seen < n) await new Promise((r) => setTimeout(r, 20));
  await consumer.disconnect();
  // Timed from the first message, like the subject; never below a millisecond (one fetch).
  return Math.max(0.001, Number(last - first) / 1e9);
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
  for (let i = 0; i < events; i += 50)
    await store.append(
      `s-${i / 50}`,
      'no_stream',
      Array.from({ length: 50 }, () => ({ type: 'bench.thing.v1', data: JSON.parse(payload) as unknown })),
    );
  await store.sequenceOnce();
  // Each adapter in turn publishes the same log to its own topic, then an EventConsumer with the
  // inbox (same adapter) consumes it; baselines: a raw kafkajs producer and a raw kafkajs consumer.
  const baseline = await rawKafkajs(brokers, topics[0]!, events, 500);
  const rawConsume = await rawKafkajsConsume(brokers, topics[0]!, events);
  out.push(
    `### relay and inbox consumer, ${events} events (baselines: raw kafkajs producer ${(events / baseline.seconds).toFixed(0)} msg/s, raw kafkajs consumer ${(events / rawConsume).toFixed(0)} msg/s)`,
  );
  out.push(
    '| adapter | relay events/s | relay / raw producer | consumer events/s (inbox) | consumer / raw consumer |',
    '|---|---|---|---|---|',
  );
  for (const clientName of KAFKA_CLIENTS as readonly KafkaClient[]) {
    const broker = createMessageBroker({ client: clientName, brokers, clientId: `bench-relay-${clientName}` });
    const serviceName = `benchrelay${clientName}${stamp}`;
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(db),
      broker,
      serviceName,
      codec: new JsonEventCodec(),
      batchSize: 500,
      pollIntervalMs: 10,
    });
    const t0 = process.hrtime.bigint();
    await relay.start();
    const checkpoints = db.collection<{ _id: string; position: number }>('relay_checkpoints');
    for (;;) {
      const c = await checkpoints.findOne({ _id: relay.topic });
      if (c && c.position >= events) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const relaySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await relay.stop();
    let settled = 0;
    let first = 0n;
    const consumer = new EventConsumer({
      broker,
      inbox: new MongoInbox(db),
      group: `${serviceName}.bench`,
      topics: [relay.topic],
      codec: new JsonEventCodec(),
      handler: async () => undefined,
      onSettled: () => {
        if (settled++ === 0) first = process.hrtime.bigint();
      },
    });
    await consumer.start();
    while (settled < events) await new Promise((r) => setTimeout(r, 20));
    const consumeSeconds = Number(process.hrtime.bigint() - first) / 1e9;
    await consumer.stop();
    out.push(
      `| ${clientName} | ${(events / relaySeconds).toFixed(0)} | ${(baseline.seconds / relaySeconds).toFixed(2)}× | ${(events / consumeSeconds).toFixed(0)} | ${(rawConsume / consumeSeconds).toFixed(2)}× |`,
    );
  }
  out.push(
    '\n(the relay also reads the log and stores checkpoints; the consumer decodes CloudEvents, looks each event up in the inbox and records it, and commits offsets; consumer times start at the first settled message, so the group join is left out)\n',
  );
  await client.close();
  return out.join('\n');
}
