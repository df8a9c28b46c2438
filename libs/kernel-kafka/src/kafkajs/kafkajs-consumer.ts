import type { Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import { Wakeup } from '@yiwang/kernel-core';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../consumer/backoff';
import type { HandlerControl, IncomingHeaders, IncomingMessage, MessageConsumer, MessageHandlers, TopicPartitionOffset } from '../ports';

/** The {@link MessageConsumer} port on a kafkajs consumer, with auto-commit off. */
export class KafkajsConsumer implements MessageConsumer {
  private stopping = false;
  /** Handler calls in progress; a stop waits for them while kafkajs still runs (see `stop`). */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly assignmentListeners = new Set<(assignment: Readonly<Record<string, readonly number[]>>) => void>();
  private readonly crashListeners = new Set<(error: unknown, restarting: boolean) => void>();
  /** Crashes since the last successful join, for the restart backoff. */
  private crashes = 0;
  private readonly restartPause = new Wakeup();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: { readonly partitionsConcurrently?: number } = {},
  ) {
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.crashes = 0;
      for (const l of this.assignmentListeners) l(event.payload.memberAssignment);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      for (const l of this.crashListeners) l(event.payload.error, event.payload.restart);
    });
  }

  onCrash(listener: (error: unknown, restarting: boolean) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /**
   * kafkajs asks this before restarting a crashed member: wait a growing pause (0.5 s doubling to
   * 30 s), then restart unless we are stopping (a restart after `disconnect` would leave a member
   * nobody owns).
   */
  async restartAfterCrash(): Promise<boolean> {
    this.crashes++;
    await this.restartPause.wait(backoffDelay(this.crashes, { ...DEFAULT_RETRY_POLICY, initialDelayMs: 500, maxDelayMs: 30_000 }));
    return !this.stopping;
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  /**
   * Topics are created in the background by whoever writes them first (a relay, a consumer's
   * dead-letter topic), so a reader may ask for one a moment before it exists: kafkajs then fails
   * at once with UNKNOWN_TOPIC_OR_PARTITION. Waiting a bounded while here turns that race into a
   * short delay for every reader; a topic still missing after it is a real error.
   */
  async subscribe(topics: readonly string[], options: { fromBeginning?: boolean } = {}): Promise<void> {
    const deadline = Date.now() + SUBSCRIBE_UNKNOWN_TOPIC_WAIT_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? false });
        return;
      } catch (error) {
        if (this.stopping || !isUnknownTopic(error) || Date.now() >= deadline) throw error;
        await new Promise((resolve) =>
          setTimeout(resolve, backoffDelay(attempt, { ...DEFAULT_RETRY_POLICY, initialDelayMs: 100, maxDelayMs: 2_000 })),
        );
      }
    }
  }

  async run(handlers: MessageHandlers): Promise<void> {
    this.stopping = false;
    const isRunning = (): boolean => !this.stopping;
    if (handlers.eachMessage) {
      const handle = handlers.eachMessage;
      await this.consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: Math.max(1, this.options.partitionsConcurrently ?? 1),
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          if (this.stopping) return; // not handled, not committed: the next owner gets it
          const control: HandlerControl = { heartbeat, isRunning };
          await this.track(handle(toIncoming(topic, partition, message), control));
        },
      });
      return;
    }
    const handle = handlers.eachBatch;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.options.partitionsConcurrently ?? 1),
      eachBatch: async ({ batch, heartbeat, isRunning: kafkaRunning, isStale, resolveOffset }) => {
        if (this.stopping) return;
        const control: HandlerControl = { heartbeat, isRunning: () => isRunning() && kafkaRunning() && !isStale(), resolveOffset };
        await this.track(
          handle(
            {
              topic: batch.topic,
              partition: batch.partition,
              highWatermark: batch.highWatermark,
              messages: batch.messages.map((m) => toIncoming(batch.topic, batch.partition, m)),
            },
            control,
          ),
        );
      },
    });
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })));
  }

  pause(topics: ReadonlyArray<{ topic: string; partitions?: readonly number[] }>): void {
    this.consumer.pause(topics.map((t) => ({ topic: t.topic, partitions: t.partitions ? [...t.partitions] : undefined })));
  }

  resume(topics: ReadonlyArray<{ topic: string; partitions?: readonly number[] }>): void {
    this.consumer.resume(topics.map((t) => ({ topic: t.topic, partitions: t.partitions ? [...t.partitions] : undefined })));
  }

  seek(position: TopicPartitionOffset): void {
    this.consumer.seek({ topic: position.topic, partition: position.partition, offset: position.offset });
  }

  onAssignment(listener: (assignment: Readonly<Record<string, readonly number[]>>) => void): () => void {
    this.assignmentListeners.add(listener);
    return () => this.assignmentListeners.delete(listener);
  }

  /**
   * Why wait for the handlers ourselves: kafkajs' `stop()` marks the runner stopped *before* waiting
   * for the handler in flight, and from then on `commitOffsets` silently does nothing — the last
   * handled message would be redelivered. So: refuse new messages, let the ones in flight finish and
   * commit, then stop kafkajs.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.restartPause.wake();
    await this.drain();
    await this.consumer.stop();
  }

  async disconnect(): Promise<void> {
    this.stopping = true;
    this.restartPause.wake();
    await this.drain();
    await this.consumer.disconnect();
  }

  private async track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ?? null,
    value: m.value ?? null,
    headers: normaliseHeaders(m.headers),
    timestamp: m.timestamp,
  };
}

/** kafkajs hands headers as Buffer, string or arrays of them; the port promises one Buffer each (the last wins). */
function normaliseHeaders(headers: IHeaders | undefined): IncomingHeaders {
  const out: Record<string, Buffer | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const v = Array.isArray(value) ? value[value.length - 1] : value;
    if (v !== undefined) out[name] = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
  }
  return out;
}

const SUBSCRIBE_UNKNOWN_TOPIC_WAIT_MS = 30_000;

/** kafkajs wraps the broker's answer in retry errors; the type sits somewhere down the cause chain. */
function isUnknownTopic(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { type, message } = e as { type?: unknown; message?: unknown };
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    if (typeof message === 'string' && message.includes('does not host this topic-partition')) return true;
  }
  return false;
}
