import { SpanStatusCode } from '@opentelemetry/api';
import { describeError, reportComponentStatus, type Inbox, type LoggedEvent, Wakeup } from '@yiwang/kernel-core';
import {
  UNLIMITED_RETENTION,
  headerString,
  type ConsumerOptions,
  type HandlerControl,
  type IncomingBatch,
  type IncomingMessage,
  type MessageBroker,
  type MessageConsumer,
  type MessageProducer,
} from '../ports';
import type { EventCodec } from '../cloudevents/event-codec';
import { CE_HEADERS, fromKafkaMessage } from '../cloudevents/kafka-binding';
import { dlqTopic } from '../topics';
import { lazyInstruments } from '@yiwang/kernel-core/telemetry';
import { DEFAULT_RETRY_POLICY, backoffDelay, type RetryPolicy } from './backoff';
import { deadLetterMessage } from './dead-letter';
import { withConsumerSpan } from './consumer-tracing';

/** Where the event came from, for handlers that log or need the attempt number. */
export interface EventContext {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** 1 on the first call, 2 on the first retry, … */
  readonly attempt: number;
}

export type EventHandler = (event: LoggedEvent, context: EventContext) => Promise<void>;

export type ConsumerOutcome = 'handled' | 'duplicate' | 'ignored' | 'dead_lettered';

export interface EventConsumerOptions {
  readonly broker: MessageBroker;
  /**
   * Where handled event ids are kept, in the consuming service's own storage; a repeat found there
   * is skipped. `null` for a handler that is idempotent by itself (guarded read-model writes, a
   * command with the event's id as its idempotency key): a repeat reaches it and changes nothing,
   * and each message saves the inbox's lookup and write.
   */
  readonly inbox: Inbox | null;
  readonly group: string;
  readonly topics: readonly string[];
  readonly codec: EventCodec;
  readonly handler: EventHandler;
  /** Only these event types reach the handler; the others are committed and skipped undecoded. */
  readonly types?: readonly string[];
  readonly retry?: Partial<RetryPolicy>;
  /** Where a group without committed offsets starts: the beginning of the log (default) or its end. */
  readonly fromBeginning?: boolean;
  /**
   * When given, the subscribed topics are created if missing (unlimited retention, this many
   * partitions), as their relay would create them: with auto-creation off, a consumer that starts
   * before the producing service would otherwise wait for it. Done in the background like the join.
   */
  readonly createMissingTopics?: { readonly partitions: number };
  /** Partitions of the `<topic>.dlq` topics this consumer creates when missing. Default 1. */
  readonly dlqPartitions?: number;
  /** Member settings; `partitionsConcurrently` defaults to {@link DEFAULT_PARTITIONS_CONCURRENTLY}. */
  readonly consumer?: Omit<ConsumerOptions, 'groupId'>;
  /** Handler failures, dead-lettered messages and infrastructure errors the consumer recovered from. */
  readonly onError?: (error: unknown, message: IncomingMessage) => void;
  /**
   * The broker could not be reached (connect, topic creation, group join) or the member crashed;
   * the consumer retries by itself with backoff. Default: `onError`, with a stand-in message
   * (`partition` -1, `offset` "-1", no key or value) naming the subscribed topics, so a service that
   * logs its consumer's errors logs these too.
   */
  readonly onConnectionError?: (error: unknown, attempt: number) => void;
  /** After each message is settled (committed), for metrics and tests. */
  readonly onSettled?: (outcome: ConsumerOutcome, message: IncomingMessage) => void;
}

const instruments = lazyInstruments((meter) => ({
  settled: meter.createCounter('yiwang.consumer.messages', {
    description: 'messages settled by event consumers, by outcome',
    unit: '{message}',
  }),
  handlerDuration: meter.createHistogram('yiwang.consumer.handler_duration', {
    description: 'handler latency, successful calls',
    unit: 'ms',
  }),
}));

/** Thrown inside the consumer when a stop interrupts retries: the message stays uncommitted. */
class Interrupted extends Error {}

/**
 * Partitions handled at once by one member. Handlers must already cope with partitions being
 * handled in parallel (replicas of a service split a topic's partitions between them); doing it
 * inside one process too keeps a slow handler (a few database round trips) from serialising
 * every partition behind it. Order within a partition, i.e. per stream, is unchanged.
 */
export const DEFAULT_PARTITIONS_CONCURRENTLY = 4;

/**
 * A consumer group member that turns Kafka messages back into events and hands them to a handler,
 * at least once and, thanks to the inbox, with repeats skipped.
 *
 * Per message: decode (undecodable → dead letter) → inbox check (seen → skip) → handler, retried
 * with exponential backoff (still failing → dead letter). Per fetched batch of a partition: the
 * inbox lookups of all its events at once (before handling), one inbox `insertMany` of the handled
 * ones and one offset commit after the last settled message, instead of a lookup, a record and a
 * commit per message. Before a retry waits, what is settled so far is recorded and committed, so
 * a stop or a crash during a long retry redelivers only the message being retried. Offsets are
 * committed only after handling, so a crash or rebalance redelivers the unsettled tail (at most
 * the batch in flight), which the inbox skips where it was recorded. Messages of a partition are
 * handled one at a time, in order; retries block the partition (order per stream is the point).
 * Up to `partitionsConcurrently` partitions are handled in parallel.
 */
export class EventConsumer {
  private readonly inbox: Inbox | null;
  private readonly retry: RetryPolicy;
  /** The waits between attempts in progress (one per partition at most), cut short by `stop()`. */
  private readonly sleepers = new Set<Wakeup>();
  private consumer: MessageConsumer | null = null;
  private producer: MessageProducer | null = null;
  private stopping = false;
  /** The background connection loop, from `start()` until `stop()`. */
  private connecting: Promise<void> | null = null;
  /** Clients of the connection attempt in progress, so a stop can abort a slow connect or join. */
  private pending: { consumer?: MessageConsumer; producer?: MessageProducer } = {};
  private readonly reconnect = new Wakeup();
  private unlistenCrash: (() => void) | null = null;

  constructor(private readonly options: EventConsumerOptions) {
    this.inbox = options.inbox;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /**
   * Starts, in the background, what needs the broker: the dead-letter topics, the producer, the
   * group join, then handling. Nothing here waits for the broker, so a service listens (and serves
   * from its database) while the broker is away or the group waits for a dead member's session to
   * end. Connecting is retried forever with backoff; each failure goes to `onConnectionError` and
   * to the component status (`consumer:<group>`).
   */
  async start(): Promise<void> {
    if (this.connecting) return;
    this.stopping = false;
    this.status('starting');
    this.connecting = this.connectLoop();
  }

  /** True once the member has joined and handles messages. */
  get isConnected(): boolean {
    return this.consumer !== null;
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.connectOnce();
        if (this.stopping) return;
        this.status('up');
        attempt = 0;
        // Connected: wait here until the member crashes for good (then connect anew) or a stop.
        await this.reconnect.wait(2 ** 31 - 1);
        if (this.stopping) return;
        await this.dropClients();
        continue;
      } catch (e) {
        if (this.stopping) return;
        this.connectionError(e, attempt);
        await this.dropClients();
      }
      const sleeper = new Wakeup();
      this.sleepers.add(sleeper);
      try {
        await sleeper.wait(backoffDelay(attempt, { ...DEFAULT_RETRY_POLICY, initialDelayMs: 500, maxDelayMs: 15_000 }));
      } finally {
        this.sleepers.delete(sleeper);
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const { broker, topics, group } = this.options;
    const admin = broker.admin();
    await admin.connect();
    try {
      const create = this.options.createMissingTopics;
      if (create) await admin.ensureTopics(topics.map((topic) => ({ topic, partitions: create.partitions, config: UNLIMITED_RETENTION })));
      await admin.ensureTopics(
        topics.map((t) => ({ topic: dlqTopic(t), partitions: this.options.dlqPartitions ?? 1, config: UNLIMITED_RETENTION })),
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (this.stopping) return;
    const producer = broker.producer();
    this.pending.producer = producer;
    await producer.connect();
    if (this.stopping) return;
    const consumer = broker.consumer({ partitionsConcurrently: DEFAULT_PARTITIONS_CONCURRENTLY, ...this.options.consumer, groupId: group });
    this.pending.consumer = consumer;
    const unlistenCrash =
      consumer.onCrash?.((error, restarting) => {
        this.connectionError(error, 0);
        // A member that restarts by itself keeps its clients; one that gave up is replaced.
        if (!restarting) this.reconnect.wake();
      }) ?? (() => undefined);
    const unlistenAssignment = consumer.onAssignment((assignment) => {
      this.partitions = Object.values(assignment).reduce((n, ps) => n + ps.length, 0);
      this.status('up');
    });
    this.unlistenCrash = () => {
      unlistenCrash();
      unlistenAssignment();
    };
    await consumer.connect();
    await consumer.subscribe(topics, { fromBeginning: this.options.fromBeginning ?? true });
    if (this.stopping) return;
    this.producer = producer;
    this.consumer = consumer;
    await consumer.run({ eachBatch: (batch, control) => this.settleBatch(batch, control) });
    this.pending = {};
  }

  /** Disconnects the clients of a failed attempt or a crashed member before the next attempt. */
  private async dropClients(): Promise<void> {
    this.unlistenCrash?.();
    this.unlistenCrash = null;
    const consumer = this.consumer ?? this.pending.consumer;
    const producer = this.producer ?? this.pending.producer;
    this.consumer = null;
    this.producer = null;
    this.pending = {};
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  private connectionError(e: unknown, attempt: number): void {
    this.status('down', e);
    try {
      if (this.options.onConnectionError) this.options.onConnectionError(e, attempt);
      else
        this.options.onError?.(e, {
          topic: this.options.topics.join(','),
          partition: -1,
          offset: '-1',
          key: null,
          value: null,
          headers: {},
          timestamp: String(Date.now()),
        });
    } catch {
      // A failing error hook must not stop the consumer.
    }
  }

  /**
   * Partitions this member was given at the last rebalance, shown with its state: with replicas
   * in one group, each process's `/readyz` tells its share.
   */
  private partitions = 0;

  private status(state: 'starting' | 'up' | 'down' | 'stopped', error?: unknown): void {
    reportComponentStatus(`consumer:${this.options.group}`, state, {
      ...(error !== undefined ? { detail: describeError(error) } : {}),
      ...(state === 'up' ? { figures: { partitions: this.partitions } } : {}),
    });
  }

  /**
   * Graceful stop: the message in flight finishes and is committed (one waiting for a retry is left
   * uncommitted, for the next owner), then the member leaves the group so its partitions move on.
   * A connection attempt in progress is abandoned.
   */
  async stop(): Promise<void> {
    if (!this.connecting || this.stopping) return;
    this.stopping = true;
    for (const s of this.sleepers) s.wake();
    this.reconnect.wake();
    this.unlistenCrash?.();
    this.unlistenCrash = null;
    // The references stay until the member has left: the message in flight still commits (and may
    // still need the dead-letter producer) while kafkajs waits for it.
    const consumer = this.consumer ?? this.pending.consumer;
    const producer = this.producer ?? this.pending.producer;
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await this.connecting;
    this.connecting = null;
    this.consumer = null;
    this.producer = null;
    this.pending = {};
    this.status('stopped');
  }

  /**
   * Handles a partition's batch in order: every message to the end (handled, skipped or
   * dead-lettered), then one inbox write and one commit for all of them.
   */
  private async settleBatch(batch: IncomingBatch, control: HandlerControl): Promise<void> {
    const { group } = this.options;
    const decoded = batch.messages.map((m) => this.decode(m));
    const ids = decoded.flatMap((d) => (d.event ? [d.event.id] : []));
    const seen =
      ids.length > 0 && batch.messages[0] ? await this.durably(() => this.seen(ids), batch.messages[0], control) : new Set<string>();
    const settled: Array<{ message: IncomingMessage; outcome: ConsumerOutcome }> = [];
    const handled: LoggedEvent[] = [];
    const inBatch = new Set<string>();
    let beat = Date.now();
    const flush = async (): Promise<void> => {
      const last = settled[settled.length - 1];
      if (!last) return;
      if (handled.length > 0) {
        const events = handled.splice(0);
        await this.durably(() => this.record(events), last.message, control);
      }
      await this.commit(last.message);
      control.resolveOffset?.(last.message.offset);
      for (const s of settled.splice(0)) {
        instruments().settled.add(1, { group, topic: s.message.topic, outcome: s.outcome });
        this.options.onSettled?.(s.outcome, s.message);
      }
    };
    for (const [i, message] of batch.messages.entries()) {
      if (this.stopping || !control.isRunning()) break;
      const d = decoded[i]!;
      let outcome: ConsumerOutcome;
      try {
        outcome = await withConsumerSpan(message, group, async (span) => {
          const result = await this.process(message, d, seen, inBatch, control, flush);
          span.setAttribute('yiwang.consumer.outcome', result);
          if (result === 'dead_lettered') span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
          return result;
        });
      } catch (e) {
        if (e instanceof Interrupted) break; // stopping: leave it uncommitted
        await flush().catch(() => undefined);
        throw e;
      }
      settled.push({ message, outcome });
      if (outcome === 'handled' && d.event) {
        handled.push(d.event);
        inBatch.add(d.event.id);
      }
      if (Date.now() - beat > 1_000) {
        beat = Date.now();
        await control.heartbeat().catch((e: unknown) => this.report(e, message)); // a long batch keeps the membership
      }
    }
    await flush();
  }

  private decode(message: IncomingMessage): { ignored: boolean; event?: LoggedEvent; error?: unknown } {
    const type = headerString(message.headers, CE_HEADERS.type);
    if (this.options.types && type !== undefined && !this.options.types.includes(type)) return { ignored: true };
    try {
      return { ignored: false, event: fromKafkaMessage(message, this.options.codec) };
    } catch (e) {
      return { ignored: false, error: e };
    }
  }

  private async seen(ids: readonly string[]): Promise<ReadonlySet<string>> {
    const { group } = this.options;
    const inbox = this.inbox;
    if (inbox === null) return new Set();
    if (inbox.hasMany) return inbox.hasMany(group, ids);
    const found = await Promise.all(ids.map(async (id) => ((await inbox.has(group, id)) ? id : null)));
    return new Set(found.filter((id): id is string => id !== null));
  }

  private async record(events: readonly LoggedEvent[]): Promise<void> {
    const { group } = this.options;
    if (this.inbox === null) return;
    if (this.inbox.recordMany) await this.inbox.recordMany(group, events);
    else for (const e of events) await this.inbox.record(group, e);
  }

  private async process(
    message: IncomingMessage,
    decoded: { ignored: boolean; event?: LoggedEvent; error?: unknown },
    seen: ReadonlySet<string>,
    inBatch: ReadonlySet<string>,
    control: HandlerControl,
    beforeWait: () => Promise<void>,
  ): Promise<ConsumerOutcome> {
    if (decoded.ignored) return 'ignored';
    const event = decoded.event;
    if (!event) {
      // Poison: no retry can make these bytes decodable.
      this.report(decoded.error, message);
      await this.deadLetter(message, decoded.error, control);
      return 'dead_lettered';
    }
    const { group } = this.options;
    if (seen.has(event.id) || inBatch.has(event.id)) return 'duplicate';

    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await this.options.handler(event, { group, topic: message.topic, partition: message.partition, offset: message.offset, attempt });
        instruments().handlerDuration.record(performance.now() - started, { group, type: event.type });
        return 'handled';
      } catch (e) {
        this.report(e, message);
        if (attempt >= this.retry.attempts) {
          await this.deadLetter(message, e, control);
          return 'dead_lettered';
        }
        // What is settled before this message should not wait for (or be lost with) its retries.
        await beforeWait();
        await this.pause(backoffDelay(attempt, this.retry), control);
      }
    }
  }

  private async deadLetter(message: IncomingMessage, error: unknown, control: HandlerControl): Promise<void> {
    const dlq = deadLetterMessage(message, error, this.options.group);
    await this.durably(() => this.producer!.send([dlq]), message, control);
  }

  /**
   * Commits offset + 1. A commit refused because the partition moved to another member is not
   * retried: the new owner redelivers the message and the inbox skips it.
   */
  private async commit(message: IncomingMessage): Promise<void> {
    const next = (BigInt(message.offset) + 1n).toString();
    try {
      await this.consumer?.commit([{ topic: message.topic, partition: message.partition, offset: next }]);
    } catch (e) {
      this.report(e, message);
    }
  }

  /**
   * Infrastructure steps (inbox, dead-letter send) are not the message's fault: retry them until
   * they succeed or the consumer stops, never dead-letter for them.
   */
  private async durably<T>(step: () => Promise<T>, message: IncomingMessage, control: HandlerControl): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (e) {
        this.report(e, message);
        await this.pause(backoffDelay(attempt, { ...DEFAULT_RETRY_POLICY, maxDelayMs: 5_000 }), control);
      }
    }
  }

  /** Waits between attempts, heartbeating so the group does not evict us; a stop interrupts. */
  private async pause(ms: number, control: HandlerControl): Promise<void> {
    const until = Date.now() + ms;
    const sleeper = new Wakeup();
    this.sleepers.add(sleeper);
    try {
      for (;;) {
        if (this.stopping || !control.isRunning()) throw new Interrupted('consumer stopping');
        const left = until - Date.now();
        if (left <= 0) return;
        await sleeper.wait(Math.min(left, 1_000));
        // A rebalance surfaces here as an error; kafkajs rejoins and the message is redelivered.
        await control.heartbeat();
      }
    } finally {
      this.sleepers.delete(sleeper);
    }
  }

  private report(e: unknown, message: IncomingMessage): void {
    try {
      this.options.onError?.(e, message);
    } catch {
      // A failing error hook must not break the consumer.
    }
  }
}
