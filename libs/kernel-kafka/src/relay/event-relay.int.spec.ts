// The relay against the real broker and MongoDB-wire server: completeness, order, headers, a crash
// mid-batch, two instances at once, and its metrics.
import type { Db } from 'mongodb';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type CollectionResult } from '@opentelemetry/sdk-metrics';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { MongoEventStore, mongoRelayStorage, MongoInbox, MongoRelayCheckpoints } from '@yiwang/kernel-mongodb';
import type { LoggedEvent } from '@yiwang/kernel-core';
import { createMessageBroker } from '../broker-factory';
import { JsonEventCodec } from '../cloudevents/event-codec';
import { fromKafkaMessage } from '../cloudevents/kafka-binding';
import { EventConsumer } from '../consumer/event-consumer';
import { headerString, type IncomingMessage, type MessageBroker } from '../ports';
import { readTopic, until } from '../messaging.test-helpers';
import { EventRelay, type EventRelayOptions } from './event-relay';

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const prefix = uniqueName(__filename);
const codec = new JsonEventCodec();
let t: Awaited<ReturnType<typeof testDatabase>>;
let broker: MessageBroker;
let reader: TestReader;
let n = 0;

beforeAll(async () => {
  t = await testDatabase(__filename);
  broker = createMessageBroker({ brokers: testServers().kafkaBrokers, clientId: prefix }); // KAFKA_CLIENT picks the adapter
  reader = new TestReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(async () => {
  metrics.disable();
  await t.close();
});

/** A fresh service: its own database (store, lease, checkpoint) and its own topic. */
async function freshService(): Promise<{ db: Db; store: MongoEventStore; service: string; topic: string }> {
  const i = ++n;
  const db = t.client.db(`${t.db.databaseName}_${i}`);
  const store = new MongoEventStore(db, { serviceName: `svc${i}`, sequencer: { batchSize: 50 } });
  await store.init();
  const service = `${prefix}_svc${i}`;
  return { db, store, service, topic: `yiwang.${service}.events.v1` };
}

/**
 * `perStream` events on each of `streams` streams (appends of up to 5 events, concurrent across
 * streams), then sequenced.
 */
async function seed(store: MongoEventStore, streams: number, perStream: number, from = 0): Promise<void> {
  for (let v = from; v < from + perStream; v += 5) {
    const versions = Array.from({ length: Math.min(5, from + perStream - v) }, (_, i) => v + i);
    await Promise.all(
      Array.from({ length: streams }, (_, s) =>
        store.append(
          `case-${s}`,
          'any',
          versions.map((x) => ({
            type: 'test.case.touched.v1',
            data: { s, v: x },
            metadata: { actor: { subject: 'u1', department: 'd1' } },
          })),
        ),
      ),
    );
  }
  await store.sequenceOnce();
}

const relayFor = (svc: { db: Db; store: MongoEventStore; service: string }, over: Partial<EventRelayOptions> = {}): EventRelay =>
  new EventRelay({
    store: svc.store,
    ...mongoRelayStorage(svc.db),
    broker,
    serviceName: svc.service,
    codec,
    partitions: 4,
    batchSize: 100,
    pollIntervalMs: 100,
    leaseTtlMs: 3_000,
    ...over,
  });

const checkpointOf = (db: Db, topic: string): Promise<number> => new MongoRelayCheckpoints(db).get(topic);

/** Per stream, the stream versions in the order the topic holds them (first delivery of each). */
function perStreamOrder(messages: readonly IncomingMessage[]): Map<string, number[]> {
  const seen = new Set<string>();
  const order = new Map<string, number[]>();
  for (const m of messages) {
    const e = fromKafkaMessage(m, codec);
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    order.set(e.streamId, [...(order.get(e.streamId) ?? []), e.streamVersion]);
  }
  return order;
}

const sumOf = (result: CollectionResult, name: string, topic: string): number | undefined => {
  for (const sm of result.resourceMetrics.scopeMetrics) {
    for (const m of sm.metrics) {
      if (m.descriptor.name !== name) continue;
      const point = m.dataPoints.find((p) => p.attributes.topic === topic);
      if (point) return point.value as number;
    }
  }
  return undefined;
};

describe('EventRelay', () => {
  it('publishes every event of the log, in order per stream, as CloudEvents keyed by stream id', async () => {
    const svc = await freshService();
    await seed(svc.store, 50, 10);
    const relay = relayFor(svc);
    const started = Date.now();
    await relay.start();
    await until(async () => (await checkpointOf(svc.db, svc.topic)) === 500, 45_000, 'checkpoint 500');
    const elapsed = Date.now() - started;
    const collected = await reader.collect();
    await relay.stop();

    const messages = await readTopic(broker, svc.topic);
    expect(messages).toHaveLength(500);
    const log: LoggedEvent[] = [...(await svc.store.readAll({ after: 0, limit: 1000 }))];
    const byId = new Map(log.map((e) => [e.id, e]));
    for (const m of messages) {
      const e = fromKafkaMessage(m, codec);
      expect(e).toEqual(byId.get(e.id));
      expect(m.key!.toString()).toBe(e.streamId);
      expect(headerString(m.headers, 'ce_specversion')).toBe('1.0');
      expect(headerString(m.headers, 'ce_source')).toBe(`/yiwang/${svc.service}`);
      expect(headerString(m.headers, 'content-type')).toBe('application/json');
      expect(headerString(m.headers, 'ce_time')).toBe(e.occurredAt.toISOString());
    }
    expect(new Set(messages.map((m) => headerString(m.headers, 'ce_id'))).size).toBe(500);
    for (const [, versions] of perStreamOrder(messages)) expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const admin = broker.admin();
    await admin.connect();
    const topic = await admin.describeTopic(svc.topic);
    await admin.disconnect();
    expect(topic.partitions).toBe(4);
    expect(topic.config).toMatchObject({ 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete' });

    expect(sumOf(collected, 'yiwang.relay.published', svc.topic)).toBe(500);
    expect(sumOf(collected, 'yiwang.relay.backlog', svc.topic)).toBe(0);
    expect(sumOf(collected, 'yiwang.relay.lag_ms', svc.topic)).toBe(0);
    console.log(`relay: 500 events published in ${elapsed} ms (incl. lease, topic, producer start)`);
  });

  it('after a crash mid-batch, a restarted relay publishes everything; only the unacknowledged tail repeats; the inbox applies each event once', async () => {
    const svc = await freshService();
    await seed(svc.store, 50, 10);
    let batches = 0;
    let lastSentAtCrash = 0;
    const first: EventRelay = relayFor(svc, {
      batchSize: 50,
      beforeCheckpoint: (batch) => {
        if (++batches === 4) {
          // Sent and acknowledged, but the process "dies" before the checkpoint (and keeps its lease).
          lastSentAtCrash = batch[batch.length - 1]!.position;
          void first.abort();
        }
      },
    });
    await first.start();
    await until(() => lastSentAtCrash > 0 && !first.isActive, 30_000, 'the crash');
    await first.stop();
    const checkpointAtCrash = await checkpointOf(svc.db, svc.topic);
    expect(checkpointAtCrash).toBe(150);
    expect(lastSentAtCrash).toBe(200);

    const second = relayFor(svc, { batchSize: 50 });
    const restarted = Date.now();
    await second.start();
    await until(async () => (await checkpointOf(svc.db, svc.topic)) === 500, 45_000, 'checkpoint 500');
    const takeoverMs = Date.now() - restarted;
    await second.stop();
    // The crashed relay kept its lease: the new one had to wait for it to expire (ttl 3 s).
    expect(takeoverMs).toBeGreaterThanOrEqual(1_500);

    const messages = await readTopic(broker, svc.topic);
    const positions = messages.map((m) => Number(headerString(m.headers, 'ce_position')));
    const counts = new Map<number, number>();
    for (const p of positions) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const duplicated = [...counts].filter(([, c]) => c > 1).map(([p]) => p);
    expect(duplicated.every((p) => p > checkpointAtCrash && p <= lastSentAtCrash)).toBe(true);
    expect([...counts.values()].every((c) => c <= 2)).toBe(true);
    expect(messages).toHaveLength(500 + duplicated.length);
    for (const [, versions] of perStreamOrder(messages)) expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // A consumer with the inbox applies each event exactly once, duplicates and all.
    const consumerDb = t.client.db(`${t.db.databaseName}_consumer${n}`);
    const applications = consumerDb.collection<{ eventId: string; streamId: string; version: number }>('applications');
    let settled = 0;
    const consumer = new EventConsumer({
      broker,
      inbox: new MongoInbox(consumerDb),
      group: `${prefix}.applier`,
      topics: [svc.topic],
      codec,
      handler: async (e) => {
        await applications.insertOne({ eventId: e.id, streamId: e.streamId, version: e.streamVersion });
      },
      onSettled: () => void settled++,
    });
    const consumeStart = Date.now();
    await consumer.start();
    try {
      // Four round trips per message (inbox check, handler, inbox record, commit) on a shared FerretDB.
      await until(() => settled >= messages.length, 120_000, 'all messages settled');
    } finally {
      await consumer.stop();
    }
    const consumeMs = Date.now() - consumeStart;
    const applied = await applications.find({}).toArray();
    expect(applied).toHaveLength(500);
    expect(new Set(applied.map((a) => a.eventId)).size).toBe(500);
    expect(await consumerDb.collection('inbox').countDocuments({})).toBe(500);
    console.log(
      `relay crash: ${duplicated.length} duplicates (positions ${checkpointAtCrash + 1}-${lastSentAtCrash}), takeover after ${takeoverMs} ms; consumer settled ${messages.length} in ${consumeMs} ms`,
    );
  }, 240_000);

  it('with two relays at once, only the lease holder publishes; the other takes over when it stops', async () => {
    const svc = await freshService();
    await seed(svc.store, 20, 10);
    const publishedBy = new Map<string, number>();
    const hook = (owner: string) => (batch: readonly LoggedEvent[]) =>
      void publishedBy.set(owner, (publishedBy.get(owner) ?? 0) + batch.length);
    const a: EventRelay = relayFor(svc, { owner: 'relay-a', batchSize: 25, beforeCheckpoint: (b) => hook('relay-a')(b) });
    const b: EventRelay = relayFor(svc, { owner: 'relay-b', batchSize: 25, beforeCheckpoint: (x) => hook('relay-b')(x) });
    await Promise.all([a.start(), b.start()]);
    await until(async () => (await checkpointOf(svc.db, svc.topic)) === 200, 45_000, 'checkpoint 200');
    expect([a.isActive, b.isActive].filter(Boolean)).toHaveLength(1);
    expect(publishedBy.size).toBe(1);
    const [leader, standby] = a.isActive ? [a, b] : [b, a];
    expect(publishedBy.get(leader.owner)).toBe(200);

    await leader.stop(); // graceful: releases the lease, so the stand-by need not wait for the expiry
    await seed(svc.store, 20, 5, 10);
    await until(async () => (await checkpointOf(svc.db, svc.topic)) === 300, 45_000, 'checkpoint 300');
    expect(standby.isActive).toBe(true);
    expect(publishedBy.get(standby.owner)).toBe(100);
    await standby.stop();

    const messages = await readTopic(broker, svc.topic);
    expect(messages).toHaveLength(300); // a clean hand-over repeats nothing
    for (const [, versions] of perStreamOrder(messages)) expect(versions).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });
});
