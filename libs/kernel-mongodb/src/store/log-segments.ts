import { BSON, type Collection } from 'mongodb';
import { COLLECTIONS, segmentId, type LogHeadDocument, type SegmentDocument } from './documents';
import type { Db } from 'mongodb';

/**
 * Reads the segmented log by `_id` lookups only. Remembers segment boundaries it has seen so that a
 * reader resuming in the middle of a segment finds it without a scan; a reader in another process
 * that resumes mid-segment pays one scan of segment boundaries (rare: readers usually stop at a
 * segment's end, because pages are cut there when the limit allows).
 */
export class LogSegments {
  readonly segments: Collection<SegmentDocument>;
  private readonly head: Collection<LogHeadDocument>;
  /** first position → last position of segments seen, for mid-segment resumes. */
  private readonly known = new Map<number, number>();
  private knownFirsts: number[] = [];
  private knownDirty = false;
  /**
   * Segments this process just wrote, by first position: the relay and projectors of the same
   * process read them from here instead of asking the database for what the sequencer just sent.
   * Copies made through BSON, so a reader gets exactly what a database read would give.
   */
  private readonly recent = new Map<number, Uint8Array>();
  private recentBytes = 0;
  private static readonly RECENT_BYTES = 16 * 1024 * 1024;

  constructor(db: Db) {
    this.segments = db.collection<SegmentDocument>(COLLECTIONS.log);
    this.head = db.collection<LogHeadDocument>(COLLECTIONS.logHead);
  }

  remember(first: number, last: number): void {
    if (this.known.size > 200_000) {
      this.known.clear();
      this.knownFirsts = [];
    }
    if (!this.known.has(first)) {
      this.known.set(first, last);
      this.knownDirty = true;
    }
  }

  /** Keeps a segment this process wrote for readers in this process (oldest dropped first). */
  keepWritten(segment: SegmentDocument): void {
    const bytes = BSON.serialize(segment);
    this.recent.set(segment.first, bytes);
    this.recentBytes += bytes.length;
    this.remember(segment.first, segment.last);
    for (const [first, b] of this.recent) {
      if (this.recentBytes <= LogSegments.RECENT_BYTES || first === segment.first) break;
      this.recent.delete(first);
      this.recentBytes -= b.length;
    }
  }

  async byFirst(first: number): Promise<SegmentDocument | null> {
    // Each reader gets its own copy, decoded as the driver would decode the database's answer.
    const cached = this.recent.get(first);
    if (cached) return BSON.deserialize(cached) as SegmentDocument;
    const s = await this.segments.findOne({ _id: segmentId(first) });
    if (s) this.remember(s.first, s.last);
    return s;
  }

  /** The segment holding `position`, or null when the log does not reach it yet. */
  async containing(position: number): Promise<SegmentDocument | null> {
    const exact = await this.byFirst(position);
    if (exact) return exact;
    const first = this.knownFirstAtOrBefore(position);
    if (first !== null && (this.known.get(first) ?? 0) >= position) return this.byFirst(first);
    // Segments are contiguous: after one ending at position - 1 only a segment starting at
    // `position` can hold it, and there is none yet. This is every idle poll of a tailing reader
    // (relay, projectors), which then costs one lookup instead of three.
    if (first !== null && this.known.get(first) === position - 1) return null;
    if (position > (await this.headPosition())) return null;
    // Slow path: a resume in the middle of a segment this process has not seen.
    const s = await this.segments.findOne({ first: { $lte: position }, last: { $gte: position } });
    if (s) this.remember(s.first, s.last);
    return s;
  }

  /** Walks forward from the head hint to the true end of the log. */
  async headPosition(): Promise<number> {
    const hint = await this.head.findOne({ _id: 'head' });
    let last = hint?.last ?? 0;
    for (;;) {
      const next = await this.byFirst(last + 1);
      if (!next) return last;
      last = next.last;
    }
  }

  async setHeadHint(last: number): Promise<void> {
    await this.head.updateOne({ _id: 'head' }, { $set: { last } }, { upsert: true }).catch(() => undefined);
  }

  private knownFirstAtOrBefore(position: number): number | null {
    if (this.knownDirty) {
      this.knownFirsts = [...this.known.keys()].sort((a, b) => a - b);
      this.knownDirty = false;
    }
    let lo = 0;
    let hi = this.knownFirsts.length - 1;
    let found: number | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.knownFirsts[mid]!;
      if (v <= position) {
        found = v;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
