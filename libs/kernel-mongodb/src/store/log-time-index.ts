import type { MongoEventStore } from './mongo-event-store';

/** One segment of the log: its positions and the latest event time in it. */
interface SegmentTimes {
  readonly first: number;
  readonly last: number;
  /** The latest `occurredAt` of its events, in ms. */
  readonly maxTime: number;
}

type ProjectedSegment = { first: number; last: number; events: Array<{ occurredAt: Date }> };

const toTimes = (s: ProjectedSegment): SegmentTimes => ({
  first: s.first,
  last: s.last,
  maxTime: Math.max(...s.events.map((e) => new Date(e.occurredAt).getTime())),
});

/**
 * Time → position over the ordered log ("the first event at or after 08:00").
 *
 * Assumption (documented in the event-log proto): event times grow with positions. They do up to
 * clock skew between a service's replicas, because the sequencer places commits in commit order;
 * an event stamped a few milliseconds before its predecessor can land after the boundary. The
 * search is a binary search over segments by their latest event time, then a linear look inside
 * the one segment found.
 *
 * The segment list is built once (one pass over the segment collection with a projection: a scan
 * on FerretDB, where no other kind of query is cheaper) and then only extended at the end by
 * `_id` lookups — segments never change once written, so the cache never goes stale.
 */
export class LogTimeIndex {
  private segments: SegmentTimes[] = [];
  private built = false;

  constructor(private readonly store: MongoEventStore) {}

  /**
   * The position just before the first event with `occurredAt >= at`, i.e. the `after` a reader
   * passes to start there; the head when no event is that late.
   */
  async afterPositionFor(at: Date): Promise<number> {
    await this.refresh();
    const t = at.getTime();
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.maxTime >= t) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    if (found < 0) return this.segments.at(-1)?.last ?? 0;
    const seg = await this.store.log.byFirst(this.segments[found]!.first);
    if (!seg) throw new Error(`log segment ${this.segments[found]!.first} vanished`);
    const i = seg.events.findIndex((e) => new Date(e.occurredAt).getTime() >= t);
    return seg.first + Math.max(0, i) - 1;
  }

  /** Catches up with segments written since the last call. */
  private async refresh(): Promise<void> {
    if (!this.built) {
      const all = await this.store.log.segments.find({}, { projection: { first: 1, last: 1, 'events.occurredAt': 1 } }).toArray();
      this.segments = (all as unknown as ProjectedSegment[]).map(toTimes).sort((a, b) => a.first - b.first);
      // Keep only the contiguous chain from position 1 (a half-visible write cannot break the order).
      const chain: SegmentTimes[] = [];
      for (const s of this.segments) if (s.first === (chain.at(-1)?.last ?? 0) + 1) chain.push(s);
      this.segments = chain;
      this.built = true;
    }
    for (;;) {
      const next = await this.store.log.byFirst((this.segments.at(-1)?.last ?? 0) + 1);
      if (!next) return;
      this.segments.push(toTimes(next));
    }
  }
}
