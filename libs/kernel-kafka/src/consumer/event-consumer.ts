import { SpanStatusCode } from '@opentelemetry/api';
import { type Inbox, type LoggedEvent, Wakeup } from '@yiwang/kernel-core';
import { UNLIMITED_RETENTION, headerString, type ConsumerOptions, type HandlerControl, type IncomingMessage, type MessageBroker, type MessageConsumer, type MessageProducer } from '../ports';
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
  /** Where handled event ids are kept, in the consuming service's own storage. */
  readonly inbox: Inbox;
  readonly group: string;
  readonly topics: readonly string[];
  readonly codec: EventCodec;
  readonly handler: EventHandler;
  /** Only these event types reach the handler; the others are committed and skipped undecoded. */
  readonly types?: readonly string[];
  readonly retry?: Partial<RetryPolicy>;
  /** Where a group without committed offsets starts: the beginning of the log (default) or its end. */
  readonly fromBeginning?: boolean;
  /** Partitions of the `<topic>.dlq` topics this consumer creates when missing. Default 1. */
  readonly dlqPartitions?: number;
  /** Member settings; `partitionsConcurrently` defaults to {@link DEFAULT_PARTITIONS_CONCURRENTLY}. */
  readonly consumer?: Omit<ConsumerOptions, 'groupId'>;
  /** Handler failures, dead-lettered messages and infrastructure errors the consumer recovered from. */
  readonly onError?: (error: unknown, message: IncomingMessage) => void;
  /** After each message is settled (committed), for metrics and tests. */
  readonly onSettled?: (outcome: ConsumerOutcome, message: IncomingMessage) => void;
}

const instruments = lazyInstruments((meter) => ({
  settled: meter.createCounter('yiwang.consumer.messages', { description: 'messages settled by event consumers, by outcome', unit: '{message}' }),
  handlerDuration: meter.createHistogram('yiwang.consumer.handler_duration', { description: 'handler latency, successful calls', unit: 'ms' }),
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
 * with exponential backoff (still failing → dead letter) → inbox record → commit offset + 1.
 * Offsets are committed only after that, so a crash or rebalance redelivers the unsettled message,
 * which the inbox then skips if it had been handled. Messages of a partition are handled one at a
 * time, in order; retries block the partition (order per stream is the point). Up to
 * `partitionsConcurrently` partitions are handled in parallel.
 */
export class EventConsumer {
  private readonly inbox: Inbox;
  private readonly retry: RetryPolicy;
  /** The waits between attempts in progress (one per partition at most), cut short by `stop()`. */
  private readonly sleepers = new Set<Wakeup>();
  private consumer: MessageConsumer | null = null;
  private producer: MessageProducer | null = null;
  private stopping = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.inbox = options.inbox;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /** Creates the dead-letter topics, joins the group and starts handling in the background. */
  async start(): Promise<void> {
    if (this.consumer) return;
    this.stopping = false;
    const { broker, topics, group } = this.options;
    const admin = broker.admin();
    await admin.connect();
    try {
      await admin.ensureTopics(topics.map((t) => ({ topic: dlqTopic(t), partitions: this.options.dlqPartitions ?? 1, config: UNLIMITED_RETENTION })));
    } finally {
      await admin.disconnect();
    }
    const producer = broker.producer();
    await producer.connect();
    const consumer = broker.consumer({ partitionsConcurrently: DEFAULT_PARTITIONS_CONCURRENTLY, ...this.options.consumer, groupId: group });
    await consumer.connect();
    await consumer.subscribe(topics, { fromBeginning: this.options.fromBeginning ?? true });
    this.producer = producer;
    this.consumer = consumer;
    await consumer.run({ eachMessage: (m, control) => this.settle(m, control) });
  }

  /**
   * Graceful stop: the message in flight finishes and is committed (one waiting for a retry is left
   * uncommitted, for the next owner), then the member leaves the group so its partitions move on.
   */
  async stop(): Promise<void> {
    if (!this.consumer || this.stopping) return;
    this.stopping = true;
    for (const s of this.sleepers) s.wake();
    // The references stay until the member has left: the message in flight still commits (and may
    // still need the dead-letter producer) while kafkajs waits for it.
    await this.consumer.disconnect();
    await this.producer?.disconnect();
    this.consumer = null;
    this.producer = null;
  }

  /** Handles one message to the end (handled, skipped or dead-lettered) and commits it. */
  private async settle(message: IncomingMessage, control: HandlerControl): Promise<void> {
    let outcome: ConsumerOutcome;
    try {
      outcome = await withConsumerSpan(message, this.options.group, async (span) => {
        const result = await this.process(message, control);
        span.setAttribute('yiwang.consumer.outcome', result);
        if (result === 'dead_lettered') span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
        return result;
      });
    } catch (e) {
      if (e instanceof Interrupted) return; // stopping: leave it uncommitted
      throw e;
    }
    await this.commit(message);
    instruments().settled.add(1, { group: this.options.group, topic: message.topic, outcome });
    this.options.onSettled?.(outcome, message);
  }

  private async process(message: IncomingMessage, control: HandlerControl): Promise<ConsumerOutcome> {
    const type = headerString(message.headers, CE_HEADERS.type);
    if (this.options.types && type !== undefined && !this.options.types.includes(type)) return 'ignored';
    let event: LoggedEvent;
    try {
      event = fromKafkaMessage(message, this.options.codec);
    } catch (e) {
      // Poison: no retry can make these bytes decodable.
      this.report(e, message);
      await this.deadLetter(message, e, control);
      return 'dead_lettered';
    }
    const { group } = this.options;
    if (await this.durably(() => this.inbox.has(group, event.id), message, control)) return 'duplicate';

    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await this.options.handler(event, { group, topic: message.topic, partition: message.partition, offset: message.offset, attempt });
        instruments().handlerDuration.record(performance.now() - started, { group, type: event.type });
        break;
      } catch (e) {
        this.report(e, message);
        if (attempt >= this.retry.attempts) {
          await this.deadLetter(message, e, control);
          return 'dead_lettered';
        }
        await this.pause(backoffDelay(attempt, this.retry), control);
      }
    }
    await this.durably(() => this.inbox.record(group, event), message, control);
    return 'handled';
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
