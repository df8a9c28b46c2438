import { type LoggedEvent, upcast } from '@yiwang/kernel-core';
import { segmentId, type SegmentDocument } from './documents';
import type { MongoEventStore } from './mongo-event-store';

export interface LogScanOptions {
  /** Start after this position (0 = from the beginning). */
  readonly after: number;
  /** Stop after this position (inclusive); the head at the start of the scan when omitted. */
  readonly to?: number;
  /** Segments per cursor batch (default 100). Bounds the memory a paused reader holds. */
  readonly batchSize?: number;
  /** Stops the scan (the generator returns) when aborted. */
  readonly signal?: AbortSignal;
}

/** Segments that may arrive out of order before the scan gives up on the cursor. */
const MAX_REORDER = 256;

/**
 * Reads a range of the ordered log as fast as the server can stream it: ONE cursor over the
 * segments from the one holding `after + 1`, instead of one `_id` lookup per segment. On FerretDB
 * 1.24 every filter is a scan anyway, and a cursor over the segment collection is ~10× faster
 * than segment-by-segment lookups (measured: 4,600 vs 340 events/s with 20-event segments).
 *
 * The cursor asks for no sort (a sort is another in-memory pass on FerretDB): segments come in
 * insertion order, which is position order because the sequencer inserts them in order. A short
 * reorder buffer absorbs anything else; if the buffer overflows, or the cursor ends before the
 * range does, the scan continues with `_id` lookups, which are always correct. Yields each
 * segment's events (trimmed to the range) in position order, upcast like `readAll`.
 *
 * Flow control is the caller's: the cursor fetches its next batch only when the generator is
 * pulled, so a consumer that waits (e.g. for a gRPC `drain`) holds at most one batch in memory.
 */
export async function* scanLog(store: MongoEventStore, options: LogScanOptions): AsyncGenerator<LoggedEvent[], void, undefined> {
  const to = options.to ?? (await store.headPosition());
  let next = options.after + 1;
  if (next > to) return;
  const first = await store.log.containing(next);
  if (!first) return;
  const upcasters = store.options.upcasters ?? {};
  const toEvents = (s: SegmentDocument): LoggedEvent[] => {
    const out: LoggedEvent[] = [];
    for (let i = Math.max(0, next - s.first); i < s.events.length && s.first + i <= to; i++)
      out.push(upcast({ ...s.events[i]!, position: s.first + i }, upcasters));
    return out;
  };
  const pending = new Map<number, SegmentDocument>();
  const cursor = store.log.segments.find({ _id: { $gte: segmentId(first.first) } }, { batchSize: options.batchSize ?? 100 });
  try {
    for await (const s of cursor) {
      if (options.signal?.aborted) return;
      if (s.last < next) continue;
      pending.set(s.first, s);
      if (pending.size > MAX_REORDER) break;
      // Emit every segment that continues exactly where the last one ended.
      for (let seg = findHolding(pending, next); seg; seg = findHolding(pending, next)) {
        pending.delete(seg.first);
        store.log.remember(seg.first, seg.last);
        const events = toEvents(seg);
        next = seg.last + 1;
        if (events.length > 0) yield events;
        if (next > to) return;
      }
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
  // The slow, always-correct path: follow the segments by `_id`.
  while (next <= to) {
    if (options.signal?.aborted) return;
    const seg = pending.get(next) ?? (await store.log.containing(next));
    if (!seg) return; // the log does not reach `to` (yet)
    const events = toEvents(seg);
    next = seg.last + 1;
    if (events.length > 0) yield events;
  }
}

/** The buffered segment holding `position` (usually the one starting at it). */
function findHolding(pending: ReadonlyMap<number, SegmentDocument>, position: number): SegmentDocument | undefined {
  const exact = pending.get(position);
  if (exact) return exact;
  for (const s of pending.values()) if (s.first <= position && s.last >= position) return s;
  return undefined;
}
