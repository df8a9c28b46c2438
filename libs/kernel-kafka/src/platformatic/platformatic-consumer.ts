import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { HandlerControl, IncomingHeaders, IncomingMessage, MessageConsumer, MessageHandlers, TopicPartitionOffset } from '../ports';

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type Assignment = Readonly<Record<string, readonly number[]>>;

/** Messages fetched but not yet handed out, above which the stream is paused. */
const HIGH_WATER = 2_000;
const MAX_BATCH = 500;

interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  messages: IncomingMessage[];
  /** Next offset expected from the stream; older ones (a refetch after a rejoin) are dropped. */
  next: bigint | null;
  busy: boolean;
  paused: boolean;
}

/**
 * The {@link MessageConsumer} port on a `@platformatic/kafka` consumer stream. The stream delivers
 * the messages of every assigned partition in one flow; this adapter splits it into a queue per
 * partition and hands each queue to the handler one message (or one batch) at a time, in order,
 * with up to `partitionsConcurrently` partitions at once. Nothing is committed automatically.
 */
export class PlatformaticConsumer implements MessageConsumer {
  private consumer: Consumer | null = null;
  private stream: Stream | null = null;
  private topics: string[] = [];
  private fromBeginning = false;
  private stopping = false;
  private readonly queues = new Map<string, PartitionQueue>();
  private queued = 0;
  private active = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private handlers: MessageHandlers | null = null;
  private assigned = new Set<string>();
  private readonly assignmentListeners = new Set<(assignment: Assignment) => void>();
  private readonly crashListeners = new Set<(error: unknown, restarting: boolean) => void>();

  constructor(
    private readonly create: () => Consumer,
    private readonly options: { readonly partitionsConcurrently?: number } = {},
  ) {}

  async connect(): Promise<void> {
    if (this.consumer) return;
    const consumer = this.create();
    consumer.on('consumer:group:join', (payload) => {
      const assignment: Record<string, number[]> = {};
      for (const a of payload.assignments ?? []) assignment[a.topic] = [...a.partitions];
      this.assigned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}:${p}`)));
      // Revoked partitions lose what was queued; kept ones are refetched from the committed offsets.
      for (const [key, q] of this.queues) {
        this.queued -= q.messages.length;
        q.messages = [];
        q.next = null;
        if (!this.assigned.has(key)) this.queues.delete(key);
      }
      for (const l of this.assignmentListeners) l(assignment);
    });
    this.consumer = consumer;
  }

  onCrash(listener: (error: unknown, restarting: boolean) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  async subscribe(topics: readonly string[], options: { fromBeginning?: boolean } = {}): Promise<void> {
    this.topics = [...new Set([...this.topics, ...topics])];
    this.fromBeginning = options.fromBeginning ?? false;
  }

  async run(handlers: MessageHandlers): Promise<void> {
    if (!this.consumer) await this.connect();
    this.stopping = false;
    this.handlers = handlers;
    const stream = (await this.consumer!.consume({
      topics: this.topics,
      mode: 'committed',
      fallbackMode: this.fromBeginning ? 'earliest' : 'latest',
      autocommit: false,
    })) as Stream;
    this.stream = stream;
    stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => this.enqueue(m));
    // The client reconnects by itself; handlers see no error, the owner hears of it (status, logs).
    stream.on('error', (e: unknown) => {
      for (const l of this.crashListeners) l(e, true);
    });
  }

  private enqueue(m: Message<Buffer, Buffer, Buffer, Buffer>): void {
    if (this.stopping) return;
    const key = `${m.topic}:${m.partition}`;
    let q = this.queues.get(key);
    if (!q) {
      q = { topic: m.topic, partition: m.partition, messages: [], next: null, busy: false, paused: false };
      this.queues.set(key, q);
    }
    if (q.next !== null && m.offset < q.next) return;
    q.next = m.offset + 1n;
    q.messages.push(toIncoming(m));
    this.queued++;
    if (this.queued > HIGH_WATER) this.stream?.pause();
    // The stream emits one message at a time: let the rest of this fetch queue up first, so a
    // batch handler gets the fetch as one batch (one inbox write, one commit) instead of singles.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  private pumpScheduled = false;

  /** Starts handlers for waiting partitions while fewer than `partitionsConcurrently` run. */
  private pump(): void {
    const limit = Math.max(1, this.options.partitionsConcurrently ?? 1);
    for (const q of this.queues.values()) {
      if (this.active >= limit || this.stopping) return;
      if (q.busy || q.paused || q.messages.length === 0) continue;
      q.busy = true;
      this.active++;
      const work = this.drainQueue(q).finally(() => {
        q.busy = false;
        this.active--;
        this.inFlight.delete(work);
        if (this.queued < HIGH_WATER / 2) this.stream?.resume();
        this.pump();
      });
      this.inFlight.add(work);
    }
  }

  private async drainQueue(q: PartitionQueue): Promise<void> {
    const handlers = this.handlers!;
    const key = `${q.topic}:${q.partition}`;
    const isRunning = (): boolean => !this.stopping && (this.assigned.size === 0 || this.assigned.has(key));
    const control: HandlerControl = { heartbeat: async () => undefined, isRunning };
    while (q.messages.length > 0 && !q.paused && isRunning()) {
      if (handlers.eachMessage) {
        const m = q.messages.shift()!;
        this.queued--;
        await handlers.eachMessage(m, control).catch(() => undefined);
        continue;
      }
      const batch = q.messages.slice(0, MAX_BATCH);
      let resolved = -1;
      const batchControl: HandlerControl = {
        ...control,
        resolveOffset: (offset) => {
          const i = batch.findIndex((m) => m.offset === offset);
          if (i > resolved) resolved = i;
        },
      };
      await handlers
        .eachBatch({ topic: q.topic, partition: q.partition, highWatermark: '-1', messages: batch }, batchControl)
        .catch(() => undefined);
      // Resolved messages are done; the others are handed out again (as kafkajs refetches them).
      const done = Math.max(0, resolved + 1);
      if (q.messages[0] === batch[0]) {
        q.messages.splice(0, done);
        this.queued -= done;
      }
      if (done < batch.length) await new Promise((r) => setTimeout(r, 100));
    }
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer!.commit({
      offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })),
    });
  }

  pause(topics: ReadonlyArray<{ topic: string; partitions?: readonly number[] }>): void {
    this.setPaused(topics, true);
  }

  resume(topics: ReadonlyArray<{ topic: string; partitions?: readonly number[] }>): void {
    this.setPaused(topics, false);
    this.pump();
  }

  private setPaused(topics: ReadonlyArray<{ topic: string; partitions?: readonly number[] }>, paused: boolean): void {
    for (const t of topics)
      for (const q of this.queues.values())
        if (q.topic === t.topic && (!t.partitions || t.partitions.includes(q.partition))) q.paused = paused;
  }

  /** Drops what is queued for the partition and moves the stream's fetch position there. */
  seek(position: TopicPartitionOffset): void {
    const key = `${position.topic}:${position.partition}`;
    const q = this.queues.get(key);
    if (q) {
      this.queued -= q.messages.length;
      q.messages = [];
      q.next = BigInt(position.offset);
    }
    this.stream?.offsetsToFetch.set(key, BigInt(position.offset));
  }

  onAssignment(listener: (assignment: Assignment) => void): () => void {
    this.assignmentListeners.add(listener);
    return () => this.assignmentListeners.delete(listener);
  }

  /** Hands out nothing more, lets the handlers in flight finish (their commits count), then stops fetching. */
  async stop(): Promise<void> {
    this.stopping = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const s = this.stream;
    this.stream = null;
    await s?.close().catch(() => undefined);
  }

  async disconnect(): Promise<void> {
    await this.stop();
    const c = this.consumer;
    this.consumer = null;
    await c?.close().catch(() => undefined);
  }
}

function toIncoming(m: Message<Buffer, Buffer, Buffer, Buffer>): IncomingMessage {
  const headers: Record<string, Buffer | undefined> = {};
  for (const [k, v] of m.headers) headers[k.toString('utf8')] = v;
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    key: m.key ?? null,
    value: m.value ?? null,
    headers: headers as IncomingHeaders,
    timestamp: String(m.timestamp),
  };
}
