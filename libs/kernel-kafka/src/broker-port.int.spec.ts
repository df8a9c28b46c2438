// The Kafka port against the real broker, the same tests for every adapter: topics, idempotent
// produce, group consume with explicit commits.
import { testServers, uniqueName } from '@yiwang/testing';
import { UNLIMITED_RETENTION, headerString, type IncomingMessage, type MessageBroker, type OutgoingMessage } from './ports';
import { KAFKA_CLIENTS, createMessageBroker } from './broker-factory';
import { platformaticKafka } from './platformatic/load';

// @platformatic/kafka ships ES modules only, which jest's CommonJS runtime cannot load until the
// jest config transforms it (see docs/benchmarks.md); under Node (services, benches) it loads.
const loads = (client: string): boolean => {
  if (client !== 'platformatic') return true;
  try {
    platformaticKafka();
    return true;
  } catch {
    return false;
  }
};
const runnable = KAFKA_CLIENTS.filter(loads);
if (runnable.length < KAFKA_CLIENTS.length)
  console.warn(`broker port tests: ${KAFKA_CLIENTS.filter((c) => !loads(c)).join(', ')} cannot load under jest; not run`);

const until = async (check: () => boolean, timeoutMs = 30_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.each(runnable)('the %s adapter', (client) => {
  const prefix = `${uniqueName(__filename)}.${client}`;
  const topic = `${prefix}.port`;
  let broker: MessageBroker;

  beforeAll(() => {
    broker = createMessageBroker({ client, brokers: testServers().kafkaBrokers, clientId: prefix });
  });

  it('creates a topic once, with the partitions and unlimited retention asked for', async () => {
    const admin = broker.admin();
    await admin.connect();
    try {
      expect(await admin.ensureTopics([{ topic, partitions: 3, config: UNLIMITED_RETENTION }])).toEqual([topic]);
      expect(await admin.ensureTopics([{ topic, partitions: 3, config: UNLIMITED_RETENTION }])).toEqual([]);
      const described = await admin.describeTopic(topic);
      expect(described.partitions).toBe(3);
      expect(described.config).toMatchObject({ 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete' });
    } finally {
      await admin.disconnect();
    }
  });

  it('produces to and consumes from the real broker, in order per key, committing after handling', async () => {
    const sentAt = Date.now();
    const producer = broker.producer();
    await producer.connect();
    const messages: OutgoingMessage[] = Array.from({ length: 60 }, (_, i) => ({
      topic,
      key: `k${i % 6}`,
      value: Buffer.from(String(i)),
      headers: { n: String(i), bin: Buffer.from([i]) },
    }));
    const reports = await producer.send(messages);
    expect(reports.length).toBeGreaterThan(0);
    await producer.disconnect();

    const group = `${prefix}.g1`;
    const consumer = broker.consumer({ groupId: group });
    const seen: IncomingMessage[] = [];
    await consumer.connect();
    await consumer.subscribe([topic], { fromBeginning: true });
    await consumer.run({
      eachMessage: async (m) => {
        seen.push(m);
        await consumer.commit([{ topic: m.topic, partition: m.partition, offset: (BigInt(m.offset) + 1n).toString() }]);
      },
    });
    await until(() => seen.length >= 60);
    await consumer.disconnect();

    expect(seen).toHaveLength(60);
    for (let k = 0; k < 6; k++) {
      const values = seen.filter((m) => m.key?.toString() === `k${k}`).map((m) => Number(m.value!.toString()));
      expect(values).toEqual(Array.from({ length: 10 }, (_, j) => k + 6 * j));
    }
    const m7 = seen.find((m) => headerString(m.headers, 'n') === '7')!;
    expect(m7.headers.bin).toEqual(Buffer.from([7]));

    const admin = broker.admin();
    await admin.connect();
    try {
      const high = await admin.fetchTopicOffsets(topic);
      expect(high.reduce((n, p) => n + Number(p.offset), 0)).toBe(60);
      expect(await admin.fetchCommittedOffsets(group, topic)).toEqual(high.map((p) => ({ partition: p.partition, offset: p.offset })));
      const fromStart = await admin.fetchTopicOffsetsByTimestamp(topic, sentAt - 60_000);
      expect(fromStart.every((p) => p.offset === '0')).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });

  it('lets a reader subscribe to a topic its writer creates a moment later', async () => {
    const late = `${prefix}.late`;
    const consumer = broker.consumer({ groupId: `${prefix}.late-reader` });
    await consumer.connect();
    const subscribed = consumer.subscribe([late], { fromBeginning: true });
    await new Promise((r) => setTimeout(r, 1_500));
    const admin = broker.admin();
    await admin.connect();
    await admin.ensureTopics([{ topic: late, partitions: 1, config: UNLIMITED_RETENTION }]).finally(() => admin.disconnect());
    const producer = broker.producer();
    await producer.connect();
    await producer.send([{ topic: late, key: 'k', value: Buffer.from('first'), headers: {} }]).finally(() => producer.disconnect());
    await subscribed;
    const seen: string[] = [];
    await consumer.run({ eachMessage: async (m) => void seen.push(m.value!.toString()) });
    await until(() => seen.length >= 1).finally(() => consumer.disconnect());
    expect(seen).toEqual(['first']);
  });

  it('consumes in batches and resumes from the committed offsets after a restart', async () => {
    const group = `${prefix}.g2`;
    const consume = async (count: number): Promise<string[]> => {
      const got: string[] = [];
      const consumer = broker.consumer({ groupId: group });
      await consumer.connect();
      await consumer.subscribe([topic], { fromBeginning: true });
      await consumer.run({
        eachBatch: async (batch, control) => {
          for (const m of batch.messages) {
            if (!control.isRunning() || got.length >= count) return;
            got.push(m.value!.toString());
            await consumer.commit([{ topic: m.topic, partition: m.partition, offset: (BigInt(m.offset) + 1n).toString() }]);
          }
        },
      });
      await until(() => got.length >= count);
      await consumer.disconnect();
      return got;
    };
    const first = await consume(60);
    const producer = broker.producer();
    await producer.connect();
    await producer.send([{ topic, key: 'k0', value: Buffer.from('60') }]);
    await producer.disconnect();
    const second = await consume(1);
    expect(new Set(first).size).toBe(60);
    expect(second).toEqual(['60']);
  });
});
