import type { Db, Document, MongoClient } from 'mongodb';
import { OneAtATime, RecentEntries } from '@yiwang/kernel-core';

/** Read-model documents kept per process (per client), least recently used forgotten first. */
export const DOCUMENTS_KEPT = 5_000;
/**
 * How long a kept document answers a plain read. Another process (a replica's command, a projector
 * that moved) may have written since: a read model lags its log anyway, and this bounds the extra lag.
 */
export const KEPT_FRESH_MS = 1_000;

interface Kept {
  readonly doc: Document;
  /** When it was read or written (freshness of plain reads). */
  readonly at: number;
  /** Its place in this process's order of reads and writes (see {@link KeptDocuments.mark}). */
  readonly seq: number;
}

/**
 * The read-model documents this process last read or wrote, as stored (with `_id` and `_guard`).
 * They save the read before a write — the write is conditional on the guard it started from, so a
 * copy that was behind costs a retry, never a wrong document — and answer reads of hot documents
 * (a case polled by its unit's app) for {@link KEPT_FRESH_MS}. Copies go in and out, so no caller
 * can change a kept document.
 */
export class KeptDocuments {
  private readonly docs: RecentEntries<string, Kept>;
  /** The writes under way, per document (see {@link exclusive}). */
  private readonly writing = new OneAtATime();
  private seq = 0;

  constructor(capacity = DOCUMENTS_KEPT) {
    this.docs = new RecentEntries(capacity);
  }

  /** The kept copy if it was read or written within `maxAgeMs` (default {@link KEPT_FRESH_MS}). */
  fresh(collection: string, id: string, maxAgeMs = KEPT_FRESH_MS): Document | undefined {
    if (maxAgeMs <= 0) return undefined;
    const k = this.docs.get(keyOf(collection, id));
    return k && Date.now() - k.at <= maxAgeMs ? copyOf(k.doc) : undefined;
  }

  /** The kept copy, however old: only for a write that is conditional on its guard. */
  any(collection: string, id: string): Document | undefined {
    const k = this.docs.get(keyOf(collection, id));
    return k ? copyOf(k.doc) : undefined;
  }

  /** A point in this process's order of reads and writes: take it before a read or an unguarded insert. */
  mark(): number {
    return ++this.seq;
  }

  /**
   * Keeps `doc`. A write made one at a time for its document ({@link exclusive}) passes no mark: it
   * is the newest. A read (or an insert) passes the mark taken before it started, and is not kept
   * over a copy kept since — that copy came from a write the read may not have seen.
   */
  remember(collection: string, id: string, doc: Document, startedAt?: number): void {
    const key = keyOf(collection, id);
    if (startedAt !== undefined) {
      const current = this.docs.get(key);
      if (current && current.seq > startedAt) return;
    }
    this.docs.set(key, { doc: copyOf(doc), at: Date.now(), seq: this.mark() });
  }

  forget(collection: string, id: string): void {
    this.docs.delete(keyOf(collection, id));
  }

  /**
   * Runs `write` after every earlier write of this process to the same document. A read model has
   * two writers in a process — a command's inline projection and the projector — and FerretDB
   * evaluates a conditional write's filter and applies its change as two steps, so two of them at
   * once could both match the same guard and the later one put back an older state. One at a time
   * per document, each sees what the other wrote. (Across processes the projector's lease keeps one
   * log writer; an inline writer elsewhere remains a window, narrowed by the guard.)
   */
  exclusive<T>(collection: string, id: string, write: () => Promise<T>): Promise<T> {
    return this.writing.run(keyOf(collection, id), write);
  }

  /** The collection is dropped (a rebuild starting over): none of its documents is kept any more. */
  forgetCollection(collection: string): void {
    const prefix = keyOf(collection, '');
    this.docs.deleteWhere((key) => key.startsWith(prefix));
  }
}

const keyOf = (collection: string, id: string): string => `${collection}\u0000${id}`;

/**
 * A copy of the document's plain objects and arrays; other values (dates, binaries) are shared —
 * read models replace them, never change them in place — and keep their types.
 */
function copyOf<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyOf) as T;
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = copyOf(v);
    return out as T;
  }
  return value;
}

const byClient = new WeakMap<MongoClient, Map<string, KeptDocuments>>();

/** The documents kept for a database of a client: a new client (a restarted service) starts with none. */
export function documentsKeptFor(db: Db): KeptDocuments {
  let perDb = byClient.get(db.client);
  if (!perDb) byClient.set(db.client, (perDb = new Map()));
  let kept = perDb.get(db.databaseName);
  if (!kept) perDb.set(db.databaseName, (kept = new KeptDocuments()));
  return kept;
}
