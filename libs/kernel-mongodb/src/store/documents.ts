import type { Actor } from '@yiwang/kernel-core';

/*
 * Storage layout. FerretDB 1.24 (SQLite) answers only one kind of query without scanning the whole
 * collection: equality on a string `_id`. So every hot path here is a string-`_id` lookup or insert,
 * and inserts on a unique `_id` are also the only writes it makes exclusive (conditional updates
 * race). MongoDB 7 serves the same layout just as well.
 */

/** An event as stored inside a commit and a log segment. */
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
 * One append: an immutable document with the whole batch, so a batch is atomic by construction.
 * `_id` is `<streamId>:<prev>`, the version the batch follows: writers that read the same version
 * race for the same key and exactly one insert wins. The next commit's `_id` is `<streamId>:<last>`,
 * so a stream is a chain walked by `_id` lookups, and no stream meets the 16 MB document limit.
 */
export interface CommitDocument {
  _id: string;
  streamId: string;
  prev: number;
  last: number;
  committedAt: Date;
  events: StoredEvent[];
  commandIds: string[];
}

/**
 * A commit the sequencer has not placed yet: inserted before the commit by writers whose process
 * does not sequence (the holder's own commits are handed over in memory and re-marked by the
 * takeover sweep if it dies), and by that sweep; deleted once placed.
 */
export interface PendingDocument {
  _id: string;
  streamId: string;
  prev: number;
  at: Date;
}

/**
 * A run of the ordered log: positions `first..last`, contiguous with the previous segment.
 * `_id` is `first` zero-padded, so the segment after one ending at L is found by `_id` = pad(L+1),
 * and two sequencers that both try to continue the log at the same position cannot both succeed.
 */
export interface SegmentDocument {
  _id: string;
  first: number;
  last: number;
  /** Lease term of the sequencer that wrote it (for diagnosis of overlapping holders). */
  term: number;
  writtenAt: Date;
  commitIds: string[];
  events: StoredEvent[];
}

/** Where an idempotency key's events are: `_id` = `<streamId>|<commandId>`. */
export interface CommandRecord {
  _id: string;
  commitId: string;
}

/** Hints, never truth: the log's last position as last written (readers walk forward from it). */
export interface LogHeadDocument {
  _id: 'head';
  last: number;
}

export const COLLECTIONS = {
  commits: 'es_commits',
  pending: 'es_pending',
  log: 'es_log',
  logHead: 'es_log_head',
  commands: 'es_commands',
  snapshots: 'es_snapshots',
} as const;

export const commitId = (streamId: string, prev: number): string => `${streamId}:${prev}`;
export const segmentId = (first: number): string => String(first).padStart(16, '0');
export const commandRecordId = (streamId: string, commandId: string): string => `${streamId}|${commandId}`;
