import type { LoggedEvent, NewEvent, RecordedEvent } from '../events/envelope';

/** What the writer believes the stream's version is: anything, no stream yet, exactly n, or at least one event. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  readonly streamId: string;
  /** Version of the last event now in the stream. */
  readonly nextExpectedVersion: number;
  readonly events: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  /** First version to return (inclusive); 1 by default. */
  readonly fromVersion?: number;
  /** Last version to return (inclusive). */
  readonly toVersion?: number;
  /** The caller knows `fromVersion - 1` is where an earlier append ended (a snapshot's version): start there. */
  readonly fromIsCommitBoundary?: boolean;
}

export interface ReadAllOptions {
  /** Return events with position > after (0 = from the start). */
  readonly after: number;
  readonly limit?: number;
  /** Only these event types (the position still advances over the others). */
  readonly types?: readonly string[];
  /** Only streams whose id starts with this prefix. */
  readonly streamPrefix?: string;
}

/**
 * A service's event store: streams per aggregate, and one ordered log over all of them.
 * Appends are atomic per batch; the log never skips or repeats an event.
 */
export interface EventStore {
  append(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult>;
  /** The stream's events in version order; an empty array (and version 0) for a stream that does not exist. */
  readStream(
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<{ readonly version: number; readonly events: readonly RecordedEvent[] }>;
  /** Events of a stream that were produced by the command with this idempotency key. */
  findByCommandId(streamId: string, commandId: string): Promise<readonly RecordedEvent[]>;
  /** The ordered log after a position, in position order. */
  readAll(options: ReadAllOptions): Promise<readonly LoggedEvent[]>;
  /** The highest position in the ordered log (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * Optional: calls `listener` whenever this process placed new events in the log, so tailing
   * readers (relay, projectors) wait on it instead of polling. Returns the unsubscription.
   */
  onLogAdvanced?(listener: () => void): () => void;
  /**
   * Optional: the log's last position when this process knows it for certain (it writes the log
   * itself right now), else null. A tailing reader at that position has nothing to read, without
   * asking the database.
   */
  logTail?(): number | null;
}
