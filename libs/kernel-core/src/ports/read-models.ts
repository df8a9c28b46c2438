/**
 * Which event a write comes from, so applying the same event twice changes nothing (an event itself
 * can be passed: it has a stream id, so the stream guard is used):
 * - `{ streamId, streamVersion }` for documents that follow one aggregate (most read models; also
 *   works inline, before the event has a log position);
 * - `{ position }` for documents fed by many streams (totals, rankings).
 */
export type ApplyGuard = { readonly streamId: string; readonly streamVersion: number } | { readonly position: number };

/** The shape of a read-model document: any object keyed by strings (as the stores see it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModelDocument = { [key: string]: any };

/** A filter on a read model's fields, in the MongoDB query language that every store adapter speaks. */
export type ModelFilter = Record<string, unknown>;

/** One read-model collection, written only through guarded upserts. */
export interface ReadModel<T extends ModelDocument> {
  /**
   * The document. An adapter may answer from a copy it read or wrote within `maxAgeMs` (its own
   * default when absent; 0: ask the database) — a reader waiting for a version it knows was
   * written passes 0.
   */
  get(id: string, options?: { readonly maxAgeMs?: number }): Promise<T | null>;
  find(filter?: ModelFilter, options?: { sort?: Record<string, 1 | -1>; limit?: number }): Promise<T[]>;
  /** Applies `change` to the document unless it has seen this event; `null` from `change` deletes it. */
  upsert(id: string, guard: ApplyGuard, change: (current: T | null) => T | null): Promise<boolean>;
}

/** Read models of a projection, in its current generation (a rebuild fills the next one). */
export interface ReadModels {
  model<T extends ModelDocument>(name: string): ReadModel<T>;
}
