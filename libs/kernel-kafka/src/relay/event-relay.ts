import {
  type LoggedEvent,
  type EventStore,
  type Lease,
  type LeaseFactory,
  type RelayCheckpointStore,
  describeError,
  reportComponentStatus,
  uuidv7,
  Wakeup,
} from '@yiwang/kernel-core';
import { UNLIMITED_RETENTION, type MessageBroker, type MessageProducer } from '../ports';
import type { EventCodec } from '../cloudevents/event-codec';
import { toKafkaMessage } from '../cloudevents/kafka-binding';
import { eventTopic, serviceSource } from '../topics';
import { countPublished, observeRelay } from './relay-metrics';

export interface EventRelayOptions {
  readonly store: EventStore;
  /** Where the relay's lease (`relay:<topic>`) is kept, in the service's own storage. */
  readonly leases: LeaseFactory;
  /** Where the relay's checkpoint is kept. */
  readonly checkpoints: RelayCheckpointStore;
  readonly broker: MessageBroker;
  readonly serviceName: string;
  readonly codec: EventCodec;
  /** Defaults to `yiwang.<service>.events.v1`. */
  readonly topic?: string;
  /** CloudEvents `source`; defaults to `/yiwang/<service>`. */
  readonly source?: string;
  /** Partitions when the relay creates the topic (an existing topic is left alone). Default 6. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Events per read and per produce request. Default 500. */
  readonly batchSize?: number;
  /** Poll interval while idle; it doubles while nothing comes, up to `maxPollIntervalMs`; `wake()` cuts it short. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Longest idle wait. New events of this process wake the relay at once. Default 2 s. */
  readonly maxPollIntervalMs?: number;
  /** Lease lifetime; a crashed relay is replaced after at most this long. Default 15 s (a renewal every 5 s). */
  readonly leaseTtlMs?: number;
  /** Lease owner name; unique per instance by default. */
  readonly owner?: string;
  /** Errors the loop recovered from (it logs nothing itself). */
  readonly onError?: (error: unknown) => void;
  /**
   * Called after the broker acknowledged a batch and before the checkpoint moves: fault injection
   * for tests. A throw leaves the checkpoint where it was, so the batch is published again.
   */
  readonly beforeCheckpoint?: (batch: readonly LoggedEvent[]) => Promise<void> | void;
}

/**
 * Publishes the store's ordered log to the service's Kafka topic: at least once, in log order (so
 * in order per stream, key = stream id), as CloudEvents. The store is the outbox: nothing is
 * published from the request path.
 *
 * Exactly one relay of a service publishes: each instance contends for the lease `relay:<topic>`
 * and publishes only while it holds it. The checkpoint moves only after the broker acknowledged a
 * batch, so a crash re-publishes at most the unacknowledged tail (consumers dedupe by event id).
 *
 * A store that announces new events (`onLogAdvanced`, as MongoEventStore does) wakes the relay
 * itself; while idle it reads nothing when the store knows its log's end (`logTail`), else one
 * `_id` lookup per wait, and the wait grows to `maxPollIntervalMs`. The checkpoint is read once
 * per lease term: only the holder moves it.
 */
export class EventRelay {
  readonly topic: string;
  readonly owner: string;
  private readonly lease: Lease;
  private readonly checkpoints: RelayCheckpointStore;
  private readonly source: string;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly maxPollMs: number;
  private readonly ttlMs: number;
  /** Bumped each time this instance (re)gains the lease; the checkpoint is re-read once per term. */
  private term = 0;
  private checkpointTerm = -1;
  private unsubscribe: (() => void) | null = null;
  private readonly wakeup = new Wakeup();
  private readonly keeperWakeup = new Wakeup();
  private running = false;
  private aborted = false;
  private loops: Promise<void>[] = [];
  /** Local deadline of the lease: renewals push it forward; past it, we may no longer publish. */
  private leaseValidUntil = 0;
  private checkpoint = 0;
  private head = 0;
  private oldestUnpublishedAt: Date | null = null;
  private unobserve: (() => void) | null = null;
  private topicEnsured = false;

  constructor(private readonly options: EventRelayOptions) {
    this.topic = options.topic ?? eventTopic(options.serviceName);
    this.owner = options.owner ?? `relay-${uuidv7()}`;
    this.source = options.source ?? serviceSource(options.serviceName);
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollIntervalMs ?? 250;
    this.maxPollMs = Math.max(this.pollMs, options.maxPollIntervalMs ?? 2_000);
    this.ttlMs = options.leaseTtlMs ?? 15_000;
    this.lease = options.leases(`relay:${this.topic}`, this.owner, { ttlMs: this.ttlMs });
    this.checkpoints = options.checkpoints;
  }

  /**
   * Starts contending for the lease and publishing, in the background: nothing here waits for the
   * broker. The store is the outbox, so a service whose broker is away still takes commands; the
   * relay creates its topic (unlimited retention) when it first reaches the broker, retrying with
   * backoff meanwhile, and publishes the backlog then.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.topicEnsured = false;
    this.status('starting');
    this.aborted = false;
    this.unobserve = observeRelay({ topic: this.topic, gauges: () => this.gauges() });
    this.unsubscribe = this.options.store.onLogAdvanced?.(() => this.wake()) ?? null;
    this.loops = [this.keepLease(), this.publishLoop()];
  }

  /** Finishes the batch in flight (and stores its checkpoint), releases the lease, disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeup.wake();
    this.keeperWakeup.wake();
    await Promise.all(this.loops);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unobserve?.();
    this.leaseValidUntil = 0;
    this.status('stopped');
    if (!this.aborted) await this.lease.release().catch((e: unknown) => this.report(e));
  }

  /**
   * Stops as a crash would: the batch in flight gets no checkpoint and the lease is not released,
   * so a stand-by takes over only when it expires. For failure tests.
   */
  abort(): void {
    this.aborted = true;
    this.leaseValidUntil = 0;
    void this.stop();
  }

  /** New events are in the log: publish now instead of at the next poll. */
  wake(): void {
    this.wakeup.wake();
  }

  /** True while this instance holds the lease and may publish. */
  get isActive(): boolean {
    return this.running && Date.now() < this.leaseValidUntil;
  }

  private async ensureTopic(): Promise<void> {
    const admin = this.options.broker.admin();
    await admin.connect();
    try {
      await admin.ensureTopics([
        {
          topic: this.topic,
          partitions: this.options.partitions ?? 6,
          replicationFactor: this.options.replicationFactor,
          config: UNLIMITED_RETENTION,
        },
      ]);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Renews the lease every third of its lifetime. The local deadline is counted from *before* the
   * renewal call and shortened by a quarter, so this process stops publishing before any contender
   * could see the lease as expired (even with a slow database or a little clock skew).
   */
  private async keepLease(): Promise<void> {
    while (this.running) {
      const asked = Date.now();
      try {
        const held = await this.lease.tryAcquire();
        if (!this.running) break;
        if (held && Date.now() >= this.leaseValidUntil) this.term++; // (re)gained: re-read the checkpoint
        this.leaseValidUntil = held ? asked + this.ttlMs * 0.75 : 0;
        if (held) this.wakeup.wake();
      } catch (e) {
        // Keep the old deadline: it runs out by itself if the database stays away.
        this.report(e);
      }
      await this.keeperWakeup.wait(this.ttlMs / 3);
    }
  }

  private async publishLoop(): Promise<void> {
    let producer: MessageProducer | null = null;
    let failures = 0;
    let idleWait = this.pollMs;
    try {
      while (this.running) {
        if (!this.isActive) {
          if (producer) await disconnectQuietly(producer);
          producer = null;
          this.status('standby');
          await this.wakeup.wait(this.pollMs);
          continue;
        }
        try {
          if (!this.topicEnsured) {
            await this.ensureTopic();
            this.topicEnsured = true;
          }
          if (!producer) {
            const p: MessageProducer = this.options.broker.producer();
            await p.connect();
            producer = p;
          }
          const published = await this.publishBatch(producer);
          failures = 0;
          this.status('up');
          if (published > 0) idleWait = this.pollMs;
          if (published < this.batchSize) {
            const woken = await this.wakeup.wait(idleWait);
            idleWait = woken ? this.pollMs : Math.min(this.maxPollMs, idleWait * 2);
          }
        } catch (e) {
          if (this.aborted) break;
          this.report(e);
          // A new producer after a failure: kafkajs' idempotent producer cannot always recover its
          // sequence numbers after a failed request, and a fresh producer id is always safe.
          if (producer) await disconnectQuietly(producer);
          producer = null;
          failures++;
          // Forever, with backoff: the events wait in the store, and the topic may have to be made again.
          this.topicEnsured = false;
          this.status('down', e, failures);
          await this.wakeup.wait(Math.min(5_000, 100 * 2 ** failures));
        }
      }
    } finally {
      if (producer) await disconnectQuietly(producer);
    }
  }

  /** One read-publish-checkpoint round; returns how many events went out. */
  private async publishBatch(producer: MessageProducer): Promise<number> {
    if (this.checkpointTerm !== this.term) {
      const term = this.term;
      this.checkpoint = await this.checkpoints.get(this.topic);
      this.checkpointTerm = term;
    }
    const after = this.checkpoint;
    const batch = await this.options.store.readAll({ after, limit: this.batchSize });
    // A short read reached the end of the log: that is the head, without two more round trips
    // (head hint + segment lookup) per round just for the backlog gauge.
    this.head =
      batch.length < this.batchSize ? after + batch.length : Math.max(after + batch.length, await this.options.store.headPosition());
    this.oldestUnpublishedAt = batch[0]?.recordedAt ?? null;
    if (batch.length === 0) return 0;
    const messages = batch.map((e) => toKafkaMessage(this.topic, e, { source: this.source, codec: this.options.codec }));
    // The lease may have run out while we read: publishing now could interleave with the new holder.
    if (!this.isActive) return 0;
    // Fenced by term too: a contender whose clock runs ahead may have taken over before our local
    // deadline (one `_id` read per batch, next to a produce request).
    if (this.lease.verify && !(await this.lease.verify())) {
      this.leaseValidUntil = 0;
      this.keeperWakeup.wake();
      return 0;
    }
    await producer.send(messages);
    if (this.aborted) return 0;
    await this.options.beforeCheckpoint?.(batch);
    if (this.aborted) return 0;
    const last = batch[batch.length - 1]!.position;
    // Stored even if the lease ran out during the send: these events *are* acknowledged, and the
    // checkpoint only moves forward, so a newer holder's progress is never undone.
    await this.checkpoints.advance(this.topic, last, this.owner);
    this.checkpoint = last;
    countPublished(batch.length, this.topic);
    // More may be waiting after a full batch; the next round reads its age.
    this.oldestUnpublishedAt = null;
    return batch.length;
  }

  private gauges(): { backlog: number; lagMs: number } | null {
    if (!this.isActive) return null;
    return {
      backlog: Math.max(0, this.head - this.checkpoint),
      lagMs: this.oldestUnpublishedAt ? Math.max(0, Date.now() - this.oldestUnpublishedAt.getTime()) : 0,
    };
  }

  private status(state: 'starting' | 'up' | 'down' | 'standby' | 'stopped', error?: unknown, failures = 0): void {
    const backlog = Math.max(0, this.head - this.checkpoint);
    reportComponentStatus(`relay:${this.topic}`, state, {
      ...(error !== undefined ? { detail: describeError(error) } : {}),
      figures: state === 'standby' || state === 'stopped' ? {} : { backlog, failures },
    });
  }

  private report(e: unknown): void {
    try {
      this.options.onError?.(e);
    } catch {
      // A failing error hook must not stop the relay.
    }
  }
}

async function disconnectQuietly(producer: MessageProducer): Promise<void> {
  await producer.disconnect().catch(() => undefined);
}
