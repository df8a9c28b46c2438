/**
 * The kernel's own Kafka port. Everything above it (relay, consumers, services) speaks these
 * interfaces; only `messaging/kafkajs/` knows the client library. Why: kafkajs has had no release
 * since 2023 and marks its idempotent producer experimental, so swapping in a maintained client
 * (e.g. `@platformatic/kafka`) must be one new adapter folder, not a rewrite.
 *
 * Offsets are decimal strings (Kafka offsets are int64; JavaScript numbers are not).
 */

/** Header values as they go out: strings are sent as UTF-8. */
export type OutgoingHeaders = Readonly<Record<string, string | Buffer>>;

/** Header values as they come in (raw bytes; see `headerString`). */
export type IncomingHeaders = Readonly<Record<string, Buffer | undefined>>;

export interface OutgoingMessage {
  readonly topic: string;
  /** Partitioning key; messages with the same key keep their order (one partition). */
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: OutgoingHeaders;
  /** Forces a partition; normally left out so the key decides. */
  readonly partition?: number;
}

export interface DeliveryReport {
  readonly topic: string;
  readonly partition: number;
  /** Base offset the broker assigned to this partition's part of the batch. */
  readonly baseOffset: string;
}

/**
 * Sends batches with `acks=all` through an idempotent producer (no duplicates from the client's own
 * retries; order kept per partition). `send` resolves only once every message is acknowledged by
 * all in-sync replicas, and rejects if any is not; a rejected batch may be partially written.
 */
export interface MessageProducer {
  connect(): Promise<void>;
  send(messages: readonly OutgoingMessage[]): Promise<readonly DeliveryReport[]>;
  disconnect(): Promise<void>;
}

export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IncomingHeaders;
  /** Broker or producer timestamp, ms since the epoch, as a string. */
  readonly timestamp: string;
}

export interface IncomingBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly IncomingMessage[];
  readonly highWatermark: string;
}

/** Handed to handlers so long work can keep the group membership alive and notice a stop. */
export interface HandlerControl {
  /** Tells the group coordinator this member is alive (call during long retries). */
  heartbeat(): Promise<void>;
  /** False once `stop()` was called or the partition was revoked: stop early, do not commit. */
  isRunning(): boolean;
  /**
   * Batch handlers only: the batch's messages up to this offset are done, so the next fetch of the
   * partition starts after it (commits stay explicit). A batch handler that never calls it is
   * handed the same messages again — what a handler that commits only on success wants.
   */
  resolveOffset?(offset: string): void;
}

export type MessageHandlers =
  | { readonly eachMessage: (message: IncomingMessage, control: HandlerControl) => Promise<void>; readonly eachBatch?: never }
  | { readonly eachBatch: (batch: IncomingBatch, control: HandlerControl) => Promise<void>; readonly eachMessage?: never };

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read (the handled message's offset + 1), as Kafka stores it. */
  readonly offset: string;
}

export interface ConsumerOptions {
  readonly groupId: string;
  /**
   * How long the group waits for a silent member before its partitions move on: after a `kill -9`,
   * the time until a relaunched or other replica gets them. Default 10 s (the broker's floor is
   * `group.min.session.timeout.ms`, 6 s by default). Shorter takes over faster but evicts a member
   * whose process stalls that long (a long garbage collection, a starved CPU).
   */
  readonly sessionTimeoutMs?: number;
  /**
   * How long a rebalance waits for the members to rejoin; a member busy in a batch longer than this
   * is dropped. Default 30 s (handlers heartbeat while they work, and batches stay short).
   */
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Largest fetch per partition; small values keep shutdowns and rebalances short. */
  readonly maxBytesPerPartition?: number;
  /**
   * How many assigned partitions are handled at the same time (one message or one batch each);
   * within a partition messages still go one at a time, in order. Default 1.
   */
  readonly partitionsConcurrently?: number;
}

/**
 * A member of a consumer group. Offsets are never committed automatically: the owner commits
 * explicitly once a message is handled, so a crash replays the unhandled tail instead of losing it.
 */
export interface MessageConsumer {
  connect(): Promise<void>;
  subscribe(topics: readonly string[], options?: { readonly fromBeginning?: boolean }): Promise<void>;
  /** Starts fetching; resolves once running (handlers are then called in the background). */
  run(handlers: MessageHandlers): Promise<void>;
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  pause(topics: ReadonlyArray<{ readonly topic: string; readonly partitions?: readonly number[] }>): void;
  resume(topics: ReadonlyArray<{ readonly topic: string; readonly partitions?: readonly number[] }>): void;
  /** The next fetch of this partition starts at `offset`. */
  seek(position: TopicPartitionOffset): void;
  /** Called whenever the group assigned partitions to this member (after every rebalance). */
  onAssignment(listener: (assignment: Readonly<Record<string, readonly number[]>>) => void): () => void;
  /**
   * Called when the member failed (broker gone, group join refused); `restarting` tells whether the
   * client retries by itself (after a backoff) or gave up, so the owner has to connect anew.
   * Optional: an adapter without it recovers by itself or not at all.
   */
  onCrash?(listener: (error: unknown, restarting: boolean) => void): () => void;
  /**
   * Hands out no further messages, lets the handlers in flight finish (their commits still count),
   * then stops fetching (the member stays connected).
   */
  stop(): Promise<void>;
  /** Stops (as above) and leaves the group, so its partitions move to the others at once. */
  disconnect(): Promise<void>;
}

/** Group member defaults (see {@link ConsumerOptions}): a dead member's partitions move on within 10 s. */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
export const DEFAULT_REBALANCE_TIMEOUT_MS = 30_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

/** Retention and clean-up for the event topics: they are the replay log, so nothing expires. */
export const UNLIMITED_RETENTION: Readonly<Record<string, string>> = {
  'retention.ms': '-1',
  'retention.bytes': '-1',
  'cleanup.policy': 'delete',
};

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** -1 (the default) lets the broker decide (`default.replication.factor`). */
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}

export interface TopicAdmin {
  connect(): Promise<void>;
  /** Creates the missing topics (existing ones are left as they are); returns the names created. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<readonly string[]>;
  /** Partition count and the topic-level config as the broker reports it. */
  describeTopic(topic: string): Promise<{ readonly partitions: number; readonly config: Readonly<Record<string, string>> }>;
  /** The high watermark (next offset to be written) and the low one of every partition. */
  fetchTopicOffsets(topic: string): Promise<ReadonlyArray<PartitionOffset & { readonly low: string }>>;
  /** Per partition, the first offset whose timestamp is ≥ `timestamp` (for replays from a point in time). */
  fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<readonly PartitionOffset[]>;
  /** A group's committed offsets for a topic (-1 where nothing is committed yet). */
  fetchCommittedOffsets(groupId: string, topic: string): Promise<readonly PartitionOffset[]>;
  disconnect(): Promise<void>;
}

/** A client for one cluster: the factory the relay and consumers receive. */
export interface MessageBroker {
  producer(): MessageProducer;
  consumer(options: ConsumerOptions): MessageConsumer;
  admin(): TopicAdmin;
}

/** A header's value as text (undefined when absent). */
export const headerString = (headers: IncomingHeaders, name: string): string | undefined => headers[name]?.toString('utf8');
