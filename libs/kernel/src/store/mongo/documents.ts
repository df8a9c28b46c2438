import type { Actor } from '../../events/envelope';

/** An event as stored, inside a commit and in the log (where `_id` is its position). */
export interface StoredEvent {
  id: string;
  type: string;
  streamId: string;
  streamVersion: number;
  occurredAt: Date;
  recordedAt: Date;
  correlationId: string;
  causationId: string | null;
  actor: Actor;
  traceparent: string | null;
  commandId: string | null;
  data: unknown;
}

/**
 * One append: an immutable document holding the whole batch, so the batch is atomic by construction.
 * `_id` is `<streamId>:<prev>` — the version the batch follows — so two writers that read the same
 * version compete for the same key and the unique `_id` lets exactly one in. This is an insert, not a
 * conditional update, because only inserts are exclusive on FerretDB 1.24 as well as MongoDB.
 * A stream is any number of commits, so no stream meets the 16 MB document limit.
 */
export interface CommitDocument {
  _id: string;
  streamId: string;
  /** Version before this batch (0 for the first). */
  prev: number;
  /** Version of the batch's last event. */
  last: number;
  committedAt: Date;
  events: StoredEvent[];
  /** Idempotency keys of the commands that produced the batch, for retried commands. */
  commandIds: string[];
  /** Set once the sequencer has placed every event of the batch in the log. */
  sequenced: boolean;
  /** Log positions of the events, in batch order, once sequenced. */
  positions?: number[];
}

/** The ordered log: one document per event, `_id` = position, contiguous from 1. */
export interface LogDocument extends StoredEvent {
  _id: number;
}

export const COLLECTIONS = {
  commits: 'es_commits',
  log: 'es_log',
  snapshots: 'es_snapshots',
} as const;

export const commitId = (streamId: string, prev: number): string => `${streamId}:${prev}`;
