// EventConsumer against the real broker and MongoDB-wire server: poison messages to the DLQ,
// retries, duplicates skipped by the inbox, trace continuation, graceful stop.
import { context, propagation, trace } from '@opentelemetry/api';
import { MongoInbox } from '@yiwang/kernel-mongodb';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { type LoggedEvent, uuidv7 } from '@yiwang/kernel-core';
import { createMessageBroker } from '../broker-factory';
import { JsonEventCodec } from '../cloudevents/event-codec';
import { toKafkaMessage } from '../cloudevents/kafka-binding';
import { UNLIMITED_RETENTION, headerString, type MessageBroker, type OutgoingMessage } from '../ports';
import { readTopic, until } from '../messaging.test-helpers';
import { EventConsumer, type ConsumerOutcome, type EventConsumerOptions } from './event-consumer';

const prefix = uniqueName(__filename);
const codec = new JsonEventCodec();
const spans = new InMemorySpanExporter();
let t: Awaited<ReturnType<typeof testDatabase>>;
let broker: MessageBroker;
let n = 0;

beforeAll(async () => {
  t = await testDatabase(__filename);
  broker = createMessageBroker({ brokers: testServers().kafkaBrokers, clientId: prefix }); // KAFKA_CLIENT picks the adapter
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
});
afterAll(async () => {
  trace.disable();
  propagation.disable();
  context.disable();
  await t.close();
});

let position = 0;
const event = (streamId: string, streamVersion: number, data: unknown, over: Partial<LoggedEvent> = {}): LoggedEvent => {
  const id = uuidv7();
  const now = new Date();
  return {
    id,
    type: 'test.thing.done.v1',
    streamId,
    streamVersion,
    position: ++position,
    occurredAt: now,
    recordedAt: now,
    correlationId: id,
    causationId: null,
    actor: { subject: 'u1' },
    traceparent: null,
    commandId: null,
    data,
    ...over,
  };
};

async function freshTopic(partitions = 1): Promise<string> {
  const topic = `${prefix}.t${++n}`;
  const admin = broker.admin();
  await admin.connect();
  await admin.ensureTopics([{ topic, partitions, config: UNLIMITED_RETENTION }]);
  await admin.disconnect();
  return topic;
}

async function produce(messages: readonly OutgoingMessage[]): Promise<void> {
  const producer = broker.producer();
  await producer.connect();
  await producer.send(messages);
  await producer.disconnect();
}

/** A consumer on its own database whose settled outcomes are recorded in order. */
function consumerOn(topic: string, handler: EventConsumerOptions['handler'], over: Partial<EventConsumerOptions> = {}) {
  const db = t.client.db(`${t.db.databaseName}_${n}`);
  const outcomes: ConsumerOutcome[] = [];
  const consumer = new EventConsumer({
    broker,
    inbox: new MongoInbox(db),
    group: `${topic}.g`,
    topics: [topic],
    codec,
    handler,
    retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
    onSettled: (o) => void outcomes.push(o),
    ...over,
  });
  return { consumer, outcomes, db };
}

const committed = async (group: string, topic: string): Promise<string | undefined> => {
  const admin = broker.admin();
  await admin.connect();
  const offsets = await admin.fetchCommittedOffsets(group, topic);
  await admin.disconnect();
  return offsets[0]?.offset;
};

describe('EventConsumer', () => {
  it('dead-letters a poison message and an always-failing event with the error, and handles the next messages', async () => {
    const topic = await freshTopic();
    const bad = event('case-1', 2, { fail: true });
    const goods = [event('case-1', 1, { n: 1 }), event('case-2', 1, { n: 2 }), event('case-2', 2, { n: 3 })];
    await produce([
      toKafkaMessage(topic, goods[0]!, { source: '/yiwang/test', codec }),
      { topic, key: 'case-9', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]), headers: { 'content-type': 'application/octet-stream' } },
      toKafkaMessage(topic, bad, { source: '/yiwang/test', codec }),
      toKafkaMessage(topic, goods[1]!, { source: '/yiwang/test', codec }),
      toKafkaMessage(topic, goods[2]!, { source: '/yiwang/test', codec }),
    ]);
    const handled: unknown[] = [];
    let badCalls = 0;
    const { consumer, outcomes } = consumerOn(topic, async (e) => {
      if ((e.data as { fail?: boolean }).fail) {
        badCalls++;
        throw new RangeError('cannot apply this one');
      }
      handled.push(e.data);
    });
    await consumer.start();
    await until(() => outcomes.length >= 5, 30_000, '5 settled');
    await consumer.stop();

    expect(outcomes).toEqual(['handled', 'dead_lettered', 'dead_lettered', 'handled', 'handled']);
    expect(handled).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(badCalls).toBe(3); // the configured attempts, then the DLQ
    expect(await committed(`${topic}.g`, topic)).toBe('5');

    const dlq = await readTopic(broker, `${topic}.dlq`);
    expect(dlq).toHaveLength(2);
    const [garbage, failed] = dlq;
    expect(garbage!.value).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(garbage!.key!.toString()).toBe('case-9');
    expect(headerString(garbage!.headers, 'dlq_error_type')).toBe('MessageDecodeError');
    expect(headerString(garbage!.headers, 'dlq_error')).toMatch(/missing header ce_specversion/);
    expect(headerString(garbage!.headers, 'content-type')).toBe('application/octet-stream');
    expect(headerString(garbage!.headers, 'dlq_offset')).toBe('1');
    expect(headerString(failed!.headers, 'ce_id')).toBe(bad.id);
    expect(headerString(failed!.headers, 'dlq_error')).toBe('cannot apply this one');
    expect(headerString(failed!.headers, 'dlq_error_type')).toBe('RangeError');
    expect(headerString(failed!.headers, 'dlq_original_topic')).toBe(topic);
    expect(headerString(failed!.headers, 'dlq_partition')).toBe('0');
    expect(headerString(failed!.headers, 'dlq_offset')).toBe('2');
    expect(headerString(failed!.headers, 'dlq_group')).toBe(`${topic}.g`);
    expect(Number.isNaN(Date.parse(headerString(failed!.headers, 'dlq_failed_at')!))).toBe(false);
  });

  it('without an inbox hands a repeat to the (idempotent) handler and keeps no inbox records', async () => {
    const topic = await freshTopic();
    const once = event('case-1', 1, { n: 1 });
    const m1 = toKafkaMessage(topic, once, { source: '/yiwang/test', codec });
    // Re-produced in another fetch (a relay restart): the batch's own de-duplication cannot see it.
    await produce([m1]);
    const seen: string[] = [];
    const { consumer, outcomes, db } = consumerOn(topic, async (e) => void seen.push(e.id), { inbox: null });
    await consumer.start();
    await until(() => outcomes.length >= 1, 30_000, '1 settled');
    await produce([m1]);
    await until(() => outcomes.length >= 2, 30_000, '2 settled');
    await consumer.stop();
    expect(outcomes).toEqual(['handled', 'handled']);
    expect(seen).toEqual([once.id, once.id]);
    expect(await db.collection('inbox').countDocuments()).toBe(0);
    expect(await committed(`${topic}.g`, topic)).toBe('2');
  });

  it('applies an event delivered twice only once (inbox), and retries a flaky handler with backoff', async () => {
    const topic = await freshTopic();
    const once = event('case-1', 1, { n: 1 });
    const flaky = event('case-1', 2, { n: 2 });
    const m1 = toKafkaMessage(topic, once, { source: '/yiwang/test', codec });
    await produce([m1, toKafkaMessage(topic, flaky, { source: '/yiwang/test', codec }), m1]); // re-produced, as a relay restart would
    const applications = new Map<string, number>();
    const attempts: number[] = [];
    const { consumer, outcomes, db } = consumerOn(topic, async (e, ctx) => {
      if (e.id === flaky.id) {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('transient');
      }
      applications.set(e.id, (applications.get(e.id) ?? 0) + 1);
    });
    await consumer.start();
    await until(() => outcomes.length >= 3, 30_000, '3 settled');
    await consumer.stop();
    expect(outcomes).toEqual(['handled', 'handled', 'duplicate']);
    expect([...applications.values()]).toEqual([1, 1]);
    expect(attempts).toEqual([1, 2, 3]);
    const inbox = await db.collection('inbox').findOne({ _id: `${topic}.g:${once.id}` as never });
    expect(inbox).toMatchObject({ group: `${topic}.g`, eventId: once.id, streamId: 'case-1' });
    expect(inbox!.handledAt).toBeInstanceOf(Date);

    // A restarted member of the group starts after the committed offsets and sees nothing again.
    await produce([m1]);
    const again = consumerOn(topic, async () => void applications.set('again', 1));
    await again.consumer.start();
    await until(() => again.outcomes.length >= 1, 30_000, 'redelivery settled');
    await again.consumer.stop();
    expect(again.outcomes).toEqual(['duplicate']);
    expect(applications.has('again')).toBe(false);
  });

  it('continues the producer trace: the handler runs in a consumer span that is a child of the traceparent', async () => {
    const topic = await freshTopic();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await produce([toKafkaMessage(topic, event('case-1', 1, {}, { traceparent }), { source: '/yiwang/test', codec })]);
    let activeTrace: string | undefined;
    const { consumer, outcomes } = consumerOn(topic, async () => {
      activeTrace = trace.getActiveSpan()?.spanContext().traceId;
    });
    await consumer.start();
    await until(() => outcomes.length >= 1, 30_000, '1 settled');
    await consumer.stop();
    expect(activeTrace).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const span = spans.getFinishedSpans().find((s) => s.name === `process ${topic}`)!;
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'yiwang.consumer.outcome': 'handled',
    });
  });

  it('handles partitions in parallel (a slow one does not hold up the others) and each partition in order', async () => {
    const topic = await freshTopic(2);
    const slow = [1, 2, 3].map((i) => event('case-slow', i, { p: 0, i }));
    const fast = [1, 2, 3].map((i) => event('case-fast', i, { p: 1, i }));
    await produce([
      ...slow.map((e) => ({ ...toKafkaMessage(topic, e, { source: '/yiwang/test', codec }), partition: 0 })),
      ...fast.map((e) => ({ ...toKafkaMessage(topic, e, { source: '/yiwang/test', codec }), partition: 1 })),
    ]);
    const handled: string[] = [];
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((r) => (releaseSlow = r));
    const { consumer, outcomes } = consumerOn(topic, async (e) => {
      const d = e.data as { p: number; i: number };
      // Partition 0's first message waits until partition 1 is done: only parallel handling gets there.
      if (d.p === 0 && d.i === 1) await slowGate;
      handled.push(`${d.p}:${d.i}`);
      if (d.p === 1 && d.i === 3) releaseSlow();
    });
    await consumer.start();
    await until(() => outcomes.length >= 6, 30_000, '6 settled');
    await consumer.stop();
    expect(handled.filter((h) => h.startsWith('1:'))).toEqual(['1:1', '1:2', '1:3']);
    expect(handled.filter((h) => h.startsWith('0:'))).toEqual(['0:1', '0:2', '0:3']);
    expect(handled.indexOf('1:3')).toBeLessThan(handled.indexOf('0:1'));
  });

  it('stops gracefully: the message in flight finishes and is committed before the member leaves', async () => {
    const topic = await freshTopic();
    await produce([1, 2, 3].map((i) => toKafkaMessage(topic, event('case-1', i, { i }), { source: '/yiwang/test', codec })));
    let entered = false;
    const done: number[] = [];
    const { consumer } = consumerOn(topic, async (e) => {
      entered = true;
      await new Promise((r) => setTimeout(r, 1_500));
      done.push((e.data as { i: number }).i);
    });
    await consumer.start();
    await until(() => entered, 30_000, 'first handler call');
    await consumer.stop();
    expect(done).toEqual([1]);
    expect(await committed(`${topic}.g`, topic)).toBe('1');
  });
});
