import type { Collection, Db } from 'mongodb';
import { lazyInstruments } from '@yiwang/kernel-core/telemetry';
import { MongoLease } from '../leases/mongo-lease';
import { LeasedWorker, uuidv7 } from '@yiwang/kernel-core';
import { COLLECTIONS, segmentId, type CommitDocument, type PendingDocument, type SegmentDocument } from './documents';
import type { LogSegments } from './log-segments';
import { isDuplicateKeyError } from './mongo-errors';

export interface SequencerOptions {
  readonly serviceName: string;
  readonly now?: () => Date;
  /** Most events placed in one segment. */
  readonly batchSize?: number;
  /** Wait after a step that found nothing; it doubles while idle, up to `maxPollIntervalMs`. */
  readonly pollIntervalMs?: number;
  /** Longest idle wait between two looks at the doorbell (appends of other processes). Default 2 s. */
  readonly maxPollIntervalMs?: number;
  /** Default 15 s: a renewal every 5 s is the sequencer's only write at rest. */
  readonly leaseTtlMs?: number;
  /** A marker whose commit has not appeared after this long belongs to a dead or losing writer. */
  readonly orphanAfterMs?: number;
  /**
   * How often to sweep all commits for any that lost their marker. Default: only when the lease is
   * taken over; a dropped marker is re-checked by `_id` instead, so nothing scans on a timer.
   */
  readonly sweepIntervalMs?: number;
  /** Placed markers are deleted, and the head hint written, at most this often (batched). Default 1 s. */
  readonly flushIntervalMs?: number;
  /** Identity in the lease; unique per process by default. */
  readonly owner?: string;
}

/** `es_log_head` document `appended`: rung (rewritten) by writers in processes that do not sequence. */
interface DoorbellDocument {
  _id: string;
  token: string;
  at: Date;
}

const instruments = lazyInstruments((meter) => ({
  sequenced: meter.createCounter('yiwang.events.sequenced', { description: 'events placed in the ordered log' }),
}));
const MAX_SEGMENT_BYTES = 4 * 1024 * 1024;
const MAX_OFFERED = 10_000;
const BELL_ID = 'appended';

/**
 * Gives committed events their place in the service-wide ordered log.
 *
 * Why not a counter at append time: a writer that takes position P may become visible after P+1,
 * or never, so a reader tailing "after P" skips events or waits on a hole. Here one leased process
 * writes the log, and each segment claims `_id` = pad(previous last + 1) by insert: the log is
 * contiguous at every instant, and a stale holder that keeps writing hits a duplicate key, reads
 * what the other wrote, and drops those commits from its batch instead of writing them twice.
 *
 * What it reads: appends of its own process are handed over in memory (`offer`), so it neither
 * scans the markers nor reads those commits back. Writers in other processes ring a doorbell (one
 * small document) after their commit; the idle loop reads that one document by `_id`, with a
 * growing wait, and scans the markers only when it changed, at takeover, or when a handed-over
 * commit follows one it has not placed itself.
 */
export class Sequencer {
  private readonly lease: MongoLease;
  private readonly worker: LeasedWorker;
  private readonly doorbell: Collection<DoorbellDocument>;
  private readonly batchSize: number;
  private readonly orphanAfterMs: number;
  private readonly sweepIntervalMs: number | undefined;
  private readonly flushIntervalMs: number;
  private readonly now: () => Date;
  private tail: number | null = null;
  private lastSweep = 0;
  /** Commits known to be in the log (recent ones), so a batch never repeats them. */
  private readonly placed = new Set<string>();
  /** Last version placed per stream, so a handed-over commit is known to follow a placed one. */
  private readonly streamTails = new Map<string, number>();
  /** Commits appended in this process and handed over, in commit order. */
  private readonly offered = new Map<string, CommitDocument>();
  private scanNeeded = true;
  private bellSeen: string | null | undefined = undefined;
  private bellReadAt = 0;
  private readonly toDelete = new Set<string>();
  private hintDirty = false;
  private lastFlush = 0;
  /** Markers dropped as orphans, re-checked by `_id` in case their commit lands late. */
  private readonly orphans = new Map<string, { streamId: string; prev: number; droppedAt: number }>();
  private lastOrphanCheck = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    db: Db,
    private readonly commits: Collection<CommitDocument>,
    private readonly pending: Collection<PendingDocument>,
    private readonly log: LogSegments,
    private readonly options: SequencerOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.orphanAfterMs = options.orphanAfterMs ?? 30_000;
    this.sweepIntervalMs = options.sweepIntervalMs;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.now = options.now ?? (() => new Date());
    this.doorbell = db.collection<DoorbellDocument>(COLLECTIONS.logHead);
    this.lease = new MongoLease(db, `sequencer:${options.serviceName}`, options.owner ?? `sequencer-${uuidv7()}`, {
      ttlMs: options.leaseTtlMs ?? 15_000,
    });
    const pollIntervalMs = options.pollIntervalMs ?? 50;
    this.worker = new LeasedWorker({
      lease: this.lease,
      pollIntervalMs,
      maxPollIntervalMs: Math.max(pollIntervalMs, options.maxPollIntervalMs ?? 2_000),
      step: () => this.poll(),
      onLeaseGained: () => this.forget(), // another holder may have advanced the log meanwhile
      onError: () => this.forget(),
    });
  }

  onSequenced(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Nudges a waiting loop (appends in this process call it). */
  wake(): void {
    this.worker.wake();
  }

  /** True while this process's sequencer writes the log (with half a lease to spare). */
  get isSurelyHolding(): boolean {
    return this.worker.isSurelyHolding;
  }

  /** The log's last position while this process writes the log, else null. */
  knownTail(): number | null {
    return this.worker.isSurelyHolding ? this.tail : null;
  }

  /**
   * Hands over a commit this process just wrote while holding (it has no marker): placed without
   * reading it back. Otherwise the writer marks it and rings the doorbell.
   */
  offer(commit: CommitDocument): void {
    if (this.offered.size >= MAX_OFFERED) {
      // Handed-over commits have no marker: the sweep re-marks what is dropped here.
      this.offered.clear();
      this.scanNeeded = true;
      this.lastSweep = 0;
    }
    this.offered.set(commit._id, commit);
    this.worker.wake();
  }

  /** Tells whichever process sequences that a commit is waiting (one `_id` write). */
  async ringDoorbell(): Promise<void> {
    const update = { $set: { token: uuidv7(), at: this.now() } };
    try {
      await this.doorbell.updateOne({ _id: BELL_ID }, update, { upsert: true });
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
      await this.doorbell.updateOne({ _id: BELL_ID }, update);
    }
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.flush(true).catch(() => undefined);
  }

  /** Sequences until nothing is left; returns how many events were placed. Needs no lease (tests, tools). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { placed, progressed } = await this.step();
      total += placed;
      if (!progressed) {
        await this.flush(true);
        return total;
      }
    }
  }

  private forget(): void {
    // Commits handed over and not placed yet are in no segment: the sweep that follows re-marks them.
    this.tail = null;
    this.placed.clear();
    this.streamTails.clear();
    this.offered.clear();
    this.orphans.clear();
    this.scanNeeded = true;
    this.lastSweep = 0;
  }

  /** One pass over every waiting marker (a scan): what a takeover, a tool or a test runs. */
  async step(): Promise<{ placed: number; progressed: boolean }> {
    await this.ensureTail();
    await this.maybeSweep();
    return this.place(true);
  }

  /** The loop's step: handed-over commits without reads; the doorbell (one `_id` read) otherwise. */
  private async poll(): Promise<boolean> {
    await this.ensureTail();
    await this.maybeSweep();
    await this.recheckOrphans();
    const nowMs = Date.now();
    // At most four looks a second, busy or not: this process's own appends need none.
    if (!this.scanNeeded && nowMs - this.bellReadAt >= 250) {
      // Read before any scan: a ring after this read is seen next time; one before it is already in the scan.
      this.bellReadAt = nowMs;
      const bell = (await this.doorbell.findOne({ _id: BELL_ID }))?.token ?? null;
      if (bell !== this.bellSeen) {
        this.bellSeen = bell;
        this.scanNeeded = true;
      }
    }
    if (!this.scanNeeded && !this.offeredFollowPlaced()) this.scanNeeded = true;
    const scan = this.scanNeeded;
    this.scanNeeded = false;
    const r = scan || this.offered.size > 0 ? await this.place(scan) : { placed: 0, progressed: false };
    await this.flush(false);
    return r.progressed;
  }

  /** Every handed-over commit follows one this sequencer placed, or another handed-over one. */
  private offeredFollowPlaced(): boolean {
    const ends = new Set<string>();
    for (const c of this.offered.values()) ends.add(`${c.streamId}:${c.last}`);
    for (const c of this.offered.values()) {
      if (c.prev === 0 || this.streamTails.get(c.streamId) === c.prev || ends.has(`${c.streamId}:${c.prev}`)) continue;
      return false;
    }
    return true;
  }

  /** Places waiting commits, oldest first and in stream order, as one log segment. */
  private async place(scan: boolean): Promise<{ placed: number; progressed: boolean }> {
    const byId = new Map<string, CommitDocument>(this.offered);
    const markers = new Map<string, PendingDocument>();
    const scanned = new Set<string>();
    if (scan)
      for (const m of await this.pending.find({}).toArray()) {
        markers.set(m._id, m);
        scanned.add(m._id);
      }
    for (const c of this.offered.values())
      if (!markers.has(c._id)) markers.set(c._id, { _id: c._id, streamId: c.streamId, prev: c.prev, at: c.committedAt });
    if (markers.size === 0) return { placed: 0, progressed: false };
    const unknown = [...markers.values()].filter((m) => !byId.has(m._id) && !this.placed.has(m._id) && !this.toDelete.has(m._id));
    for (let i = 0; i < unknown.length; i += 8) {
      const found = await Promise.all(unknown.slice(i, i + 8).map((m) => this.commits.findOne({ _id: m._id })));
      for (const c of found) if (c) byId.set(c._id, c);
    }
    const { batch, done } = this.chooseBatch([...markers.values()], byId);
    let placedEvents = 0;
    if (batch.length > 0) {
      const written = await this.writeSegment(batch);
      placedEvents = written.events;
      done.push(...written.commitIds);
    }
    // Progress is something new settled, not a marker already settled and waiting for its delete.
    let settled = 0;
    for (const id of done) {
      if (!this.toDelete.has(id)) settled++;
      // Only markers found in the database are deleted: a handed-over commit has none.
      if (scanned.has(id)) this.toDelete.add(id);
      this.offered.delete(id);
    }
    if (placedEvents > 0) {
      instruments().sequenced.add(placedEvents, { service: this.options.serviceName });
      this.listeners.forEach((l) => l());
    }
    return { placed: placedEvents, progressed: settled > 0 };
  }

  /**
   * Commit order across streams (by marker time), stream order within a stream (by version): the
   * k-th marker of a stream in time order takes that stream's k-th smallest `prev`, so a writer
   * with a slow clock cannot put version 7 before version 5.
   */
  private chooseBatch(
    markers: readonly PendingDocument[],
    byId: ReadonlyMap<string, CommitDocument>,
  ): { batch: CommitDocument[]; done: string[] } {
    const inStreamOrder = new Map<string, PendingDocument[]>();
    for (const m of markers) {
      const list = inStreamOrder.get(m.streamId);
      if (list) list.push(m);
      else inStreamOrder.set(m.streamId, [m]);
    }
    for (const list of inStreamOrder.values()) list.sort((a, b) => a.prev - b.prev);
    const taken = new Map<string, number>();
    const blocked = new Set<string>();
    const batch: CommitDocument[] = [];
    const done: string[] = [];
    let events = 0;
    let bytes = 0;
    const now = this.now().getTime();
    for (const m of [...markers].sort((a, b) => a.at.getTime() - b.at.getTime() || a._id.localeCompare(b._id))) {
      const k = taken.get(m.streamId) ?? 0;
      taken.set(m.streamId, k + 1);
      const next = inStreamOrder.get(m.streamId)![k]!;
      if (this.placed.has(next._id) || this.toDelete.has(next._id)) {
        done.push(next._id);
        continue;
      }
      const c = byId.get(next._id);
      if (!c) {
        if (now - next.at.getTime() > this.orphanAfterMs) {
          done.push(next._id); // its writer died or lost; re-checked by `_id` for a while
          this.orphans.set(next._id, { streamId: next.streamId, prev: next.prev, droppedAt: Date.now() });
        }
        blocked.add(m.streamId);
        continue;
      }
      if (blocked.has(m.streamId)) continue;
      const size = JSON.stringify(c.events).length;
      if (batch.length > 0 && (events + c.events.length > this.batchSize || bytes + size > MAX_SEGMENT_BYTES)) {
        blocked.add(m.streamId); // keep the stream's order: nothing of it after a commit left out
        continue;
      }
      batch.push(c);
      events += c.events.length;
      bytes += size;
    }
    return { batch, done };
  }

  private async writeSegment(batch: CommitDocument[]): Promise<{ events: number; commitIds: string[] }> {
    let todo = batch;
    for (;;) {
      todo = todo.filter((c) => !this.placed.has(c._id));
      if (todo.length === 0) return { events: 0, commitIds: batch.map((c) => c._id) };
      const first = this.tail! + 1;
      const events = todo.flatMap((c) => c.events);
      const segment: SegmentDocument = {
        _id: segmentId(first),
        first,
        last: first + events.length - 1,
        term: this.lease.term ?? 0,
        writtenAt: this.now(),
        commitIds: todo.map((c) => c._id),
        events,
      };
      try {
        await this.log.segments.insertOne(segment);
      } catch (e) {
        if (!isDuplicateKeyError(e)) throw e;
        // Another sequencer continued the log first: learn what it placed and go after it.
        await this.catchUp();
        continue;
      }
      // Readers in this process take it from memory instead of reading it back.
      this.log.keepWritten(segment);
      this.tail = segment.last;
      this.hintDirty = true;
      // The segment itself records which commits it holds; commits are never updated (updates
      // are the slowest thing FerretDB does, and not atomic there anyway).
      for (const c of todo) {
        this.remember(c._id);
        if ((this.streamTails.get(c.streamId) ?? 0) < c.last) this.streamTails.set(c.streamId, c.last);
      }
      if (this.streamTails.size > 100_000) this.streamTails.clear();
      return { events: events.length, commitIds: batch.map((c) => c._id) };
    }
  }

  /**
   * Deletes placed markers and writes the head hint, at most once per `flushIntervalMs` (or when
   * many wait): both only save later readers work, so a burst pays them once.
   */
  private async flush(force: boolean): Promise<void> {
    if (this.toDelete.size === 0 && !this.hintDirty) return;
    if (!force && this.toDelete.size < this.batchSize && Date.now() - this.lastFlush < this.flushIntervalMs) return;
    this.lastFlush = Date.now();
    if (this.toDelete.size > 0) {
      const ids = [...this.toDelete];
      await this.pending.deleteMany({ _id: { $in: ids } });
      for (const id of ids) this.toDelete.delete(id);
    }
    if (this.hintDirty && this.tail !== null) {
      this.hintDirty = false;
      await this.log.setHeadHint(this.tail);
    }
  }

  private remember(commit: string): void {
    if (this.placed.size > 50_000) this.placed.clear();
    this.placed.add(commit);
  }

  /** Follows segments past our tail, remembering the commits in them. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const next = await this.log.byFirst(this.tail! + 1);
      if (!next) return;
      for (const c of next.commitIds) this.remember(c);
      this.tail = next.last;
    }
  }

  private async ensureTail(): Promise<void> {
    if (this.tail !== null) return;
    this.tail = await this.log.headPosition();
    // A holder that died after writing a segment but before clearing its markers left commits that
    // look waiting; the recent segments say they are placed.
    const recent = await this.log.segments
      .find({ last: { $gt: Math.max(0, this.tail - 20 * this.batchSize) } }, { projection: { commitIds: 1 } })
      .toArray();
    for (const s of recent) for (const c of s.commitIds) this.remember(c);
  }

  /**
   * A marker dropped as an orphan may belong to a writer that stalled past the orphan time and
   * commits later: look for that commit by `_id` for a while, and mark it again if it landed.
   */
  private async recheckOrphans(): Promise<void> {
    if (this.orphans.size === 0 || Date.now() - this.lastOrphanCheck < Math.min(5_000, this.orphanAfterMs)) return;
    this.lastOrphanCheck = Date.now();
    for (const [id, o] of [...this.orphans].slice(0, 50)) {
      if (this.toDelete.has(id)) continue; // its old marker is not deleted yet
      const c = await this.commits.findOne({ _id: id }, { projection: { _id: 1, committedAt: 1 } });
      if (c) {
        await this.pending.insertOne({ _id: id, streamId: o.streamId, prev: o.prev, at: c.committedAt }).catch(() => undefined);
        this.scanNeeded = true;
        this.orphans.delete(id);
      } else if (Date.now() - o.droppedAt > 20 * this.orphanAfterMs) this.orphans.delete(id);
    }
  }

  /**
   * Re-marks commits that are in no segment and have no marker: those a holder took in memory and
   * did not place before it died or lost the lease (they carry no marker), and those whose writer
   * stalled past the orphan time, so the marker was dropped before the commit landed. Any age: a
   * dead holder's last commits are younger than the orphan time. Re-marking a commit that still
   * has its marker is a duplicate key, ignored. Two scans, so it runs at takeover (and every
   * `sweepIntervalMs` if set).
   */
  private async maybeSweep(): Promise<void> {
    if (this.lastSweep !== 0 && (this.sweepIntervalMs === undefined || Date.now() - this.lastSweep < this.sweepIntervalMs)) return;
    this.lastSweep = Date.now();
    const inLog = new Set<string>();
    for await (const s of this.log.segments.find({}, { projection: { commitIds: 1 } })) for (const c of s.commitIds) inLog.add(c);
    for await (const c of this.commits.find({}, { projection: { _id: 1, streamId: 1, prev: 1, committedAt: 1 } })) {
      if (inLog.has(c._id) || this.placed.has(c._id)) continue;
      await this.pending.insertOne({ _id: c._id, streamId: c.streamId, prev: c.prev, at: c.committedAt }).catch(() => undefined);
    }
  }
}
