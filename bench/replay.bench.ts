// Analysts' replays (issue 6): events/s replayed from a service's ordered log over gRPC and from
// Kafka, each against the raw driver on the same data in the same process — a raw cursor over the
// log's segment collection, and a raw kafkajs consumer of the same topic.
import { MongoClient } from 'mongodb';
import { Kafka, logLevel } from 'kafkajs';
import { fromKafkaMessage, JsonEventCodec, KafkajsBroker, toKafkaMessage } from '@yiwang/kernel-kafka';
import { MongoEventStore, scanLog } from '@yiwang/kernel-mongodb';
import { createGrpcServer, createLogger, createTokenVerifier, signToken } from '@yiwang/platform';
import { eventLogClient, eventLogGrpcService, readLog, recordToEvent } from '@yiwang/event-log';
// eslint-disable-next-line no-restricted-imports, import-x/no-relative-packages -- the CLI is an application; its Kafka source is what is measured
import { kafkaSource } from '../apps/cli/src/sources/kafka-source';
// eslint-disable-next-line no-restricted-imports, import-x/no-relative-packages -- as above
import { type ServiceInfo } from '../apps/cli/src/services';
import type { Servers } from '../infra/local/servers.mjs';

const SECRET = 'bench-replay-secret-at-least-32-characters';
const data = {
  reportId: 'R-1',
  category: { code: 'event.01.02' },
  description: '路边有暴露垃圾无人清理'.repeat(8),
  cell: { district: '解放区' },
};

type Rate = { name: string; events: number; seconds: number };
const perSec = (r: Rate): number => r.events / r.seconds;
const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

async function measure(name: string, expected: number, run: () => Promise<number>): Promise<Rate> {
  console.error(`replay bench: ${name} …`);
  const t0 = process.hrtime.bigint();
  const events = await run();
  if (events !== expected) throw new Error(`${name} read ${events} of ${expected}`);
  return { name, events, seconds: seconds(t0) };
}

const table = (title: string, baseline: Rate, subjects: Rate[]): string =>
  [
    `### ${title}`,
    '| run | events | events/s | ratio to baseline |',
    '|---|---|---|---|',
    `| ${baseline.name} (baseline) | ${baseline.events} | ${perSec(baseline).toFixed(0)} | 1.00× |`,
    ...subjects.map((s) => `| ${s.name} | ${s.events} | ${perSec(s).toFixed(0)} | ${(perSec(s) / perSec(baseline)).toFixed(2)}× |`),
    '',
  ].join('\n');

export async function benchReplay(servers: Servers, scale: number): Promise<string> {
  const stamp = Date.now();
  const n = 5000 * scale;
  const out = ["## Analysts' replays", ''];
  const client = await MongoClient.connect(servers.mongoUri);
  const db = client.db(`bench_replay_${stamp}`);
  const store = new MongoEventStore(db, { serviceName: `benchreplay${stamp}` });
  for (let i = 0; i < n; i += 100)
    await store.append(
      `report-${i / 100}`,
      'no_stream',
      Array.from({ length: 100 }, () => ({ type: 'intake.report.received.v1', data })),
    );
  await store.sequenceOnce(); // segments of up to 500 events, as a busy service's sequencer writes them

  console.error(`replay bench: ${n} events in the log`);
  // --- from the log ---
  const raw = await measure('raw cursor over es_log', n, async () => {
    let count = 0;
    for await (const seg of db.collection('es_log').find({}, { batchSize: 1000 })) count += (seg['events'] as unknown[]).length;
    return count;
  });
  const readAll = await measure('kernel readAll, pages of 1000', n, async () => {
    let count = 0;
    for (let after = 0; ;) {
      const page = await store.readAll({ after, limit: 1000 });
      if (page.length === 0) return count;
      count += page.length;
      after = page.at(-1)!.position;
    }
  });
  const scan = await measure('kernel scanLog (one cursor, reorder buffer)', n, async () => {
    let count = 0;
    for await (const events of scanLog(store, { after: 0 })) count += events.length;
    return count;
  });
  const server = createGrpcServer({
    services: [eventLogGrpcService({ store, codec: new JsonEventCodec() })],
    auth: createTokenVerifier({ jwtSecret: SECRET }),
    logger: createLogger({ service: 'bench', level: 'silent' }),
  });
  const port = await server.listen('127.0.0.1:0');
  const logClient = eventLogClient(
    `127.0.0.1:${port}`,
    await signToken({ subject: 'bench', department: 'centre.supervision', roles: ['analyst.replay'] }, { secret: SECRET }),
  );
  const grpcRun = await measure('gRPC ReadLog → decoded envelopes (the CLI’s path)', n, async () => {
    let count = 0;
    const codec = new JsonEventCodec();
    for await (const r of readLog(logClient, { batchSize: 1000 })) for (const rec of r.records) if (recordToEvent(rec, codec)) count++;
    return count;
  });
  logClient.close();
  await server.shutdown();
  out.push(table(`ordered log, ${n} events (FerretDB/MongoDB at ${servers.mongoUri})`, raw, [readAll, scan, grpcRun]));

  // --- from Kafka ---
  const brokers = servers.kafkaBrokers.split(',');
  const topic = `bench.replay.${stamp}`;
  const kafka = new Kafka({ brokers, clientId: 'bench-replay', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  const codec = new JsonEventCodec();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // Ten times the log's events (a topic holds more history than a bench can append to FerretDB quickly).
  const logged = await store.readAll({ after: 0, limit: n });
  const m = 10 * n;
  for (let i = 0; i < m; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, m - i) }, (_, k) => logged[(i + k) % logged.length]!).map((e) =>
      toKafkaMessage(topic, e, { source: '/yiwang/bench', codec }),
    );
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers as Record<string, string> })),
    });
  }
  await producer.disconnect();

  // Group join takes seconds either way; both runs are timed from their first batch to the last message.
  const rawConsumer = async (decode: boolean): Promise<Rate> => {
    const consumer = kafka.consumer({ groupId: `bench-raw-${decode ? 'decode' : 'plain'}-${stamp}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let count = 0;
    let t0 = 0n;
    await new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (t0 === 0n) t0 = process.hrtime.bigint();
          if (decode)
            for (const msg of batch.messages)
              fromKafkaMessage(
                { ...msg, topic, partition: batch.partition, key: msg.key ?? null, headers: msg.headers as Record<string, Buffer> },
                codec,
              );
          count += batch.messages.length;
          if (count >= m) resolve();
        },
      });
    });
    const s = seconds(t0);
    await consumer.disconnect();
    return {
      name: decode ? 'raw kafkajs consumer + CloudEvents decoding (eachBatch)' : 'raw kafkajs consumer (eachBatch, no decoding)',
      events: count,
      seconds: s,
    };
  };
  const viaCli = async (): Promise<Rate> => {
    const service: ServiceInfo = {
      name: 'bench',
      logPort: 0,
      topic,
      database: 'bench',
      codec: () => codec,
      redact: (e) => e,
      projections: () => [],
    };
    let count = 0;
    let t0 = 0n;
    for await (const chunk of kafkaSource(
      {
        brokers,
        topic,
        service,
        start: {},
        filter: { types: [], streamPrefix: '' },
        broker: new KafkajsBroker({ brokers, clientId: 'bench-cli', logLevel: 'nothing' }),
      },
      new AbortController().signal,
    )) {
      if (t0 === 0n) t0 = process.hrtime.bigint();
      count += chunk.events.length;
    }
    return { name: 'yiwang replay --source kafka (CloudEvents decoded, filtered)', events: count, seconds: seconds(t0) };
  };
  console.error('replay bench: raw kafkajs consumer …');
  const rawKafka = await rawConsumer(false);
  const rawDecoding = await rawConsumer(true);
  console.error('replay bench: yiwang Kafka source …');
  const cliKafka = await viaCli();
  out.push(
    table(`Kafka topic, ${m} events, 3 partitions (timed from the first batch: group join excluded)`, rawKafka, [rawDecoding, cliKafka]),
  );
  await client.close();
  return out.join('\n');
}
