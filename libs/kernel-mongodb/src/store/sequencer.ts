import type { Collection, Db } from 'mongodb';
import { lazyInstruments } from '@yiwang/kernel-core/telemetry';
import { MongoLease } from '../leases/mongo-lease';
import { LeasedWorker, uuidv7 } from '@yiwang/kernel-core';
import { segmentId, type CommitDocument, type PendingDocument, type SegmentDocument } from './documents';
import type { LogSegments } from './log-segments';
import { isDuplicateKeyError } from './mongo-errors';

export interface SequencerOptions {
  readonly serviceName: string;
  readonly now?: () => Date;
  /** Most events placed in one segment. */
  readonly batchSize?: number;
  /** How often an idle sequencer looks for work appended by other processes. */
  readonly pollIntervalMs?: number;
  readonly leaseTtlMs?: number;
  /** A marker whose commit has not appeared after this long belongs to a dead or losing writer. */
  readonly orphanAfterMs?: number;
  /** How often to sweep commits for any that lost their marker (a writer stalled past orphanAfterMs). */
  readonly sweepIntervalMs?: number;
  /** Identity in the lease; unique per process by default. */
  readonly owner?: string;
}

const instruments = lazyInstruments((meter) => ({
  sequenced: meter.createCounter('yiwang.events.sequenced', { description: 'events placed in the ordered log' }),
}));
const MAX_SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * Gives committed events their place in the service-wide ordered log.
 *
 * Why not a counter at append time: a writer that takes position P may become visible after P+1,
 * or never, so a reader tailing "after P" skips events or waits on a hole. Here one leased process
 * writes the log, and each segment claims `_id` = pad(previous last + 1) by insert: the log is
 * contiguous at every instant, and a stale holder that keeps writing hits a duplicate key, reads
 * what the other wrote, and drops those commits from its batch instead of writing them twice.
 */
export class Sequencer {
  private readonly lease: MongoLease;
  private readonly worker: LeasedWorker;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly orphanAfterMs: number;
  private readonly sweepIntervalMs: number;
  private readonly now: () => Date;
  private tail: number | null = null;
  private lastSweep = 0;
  /** Commits known to be in the log (recent ones), so a batch never repeats them. */
  private readonly placed = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    db: Db,
    private readonly commits: Collection<CommitDocument>,
    private readonly pending: Collection<PendingDocument>,
    private readonly log: LogSegments,
    private readonly options: SequencerOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.orphanAfterMs = options.orphanAfterMs ?? 30_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 600_000;
    this.now = options.now ?? (() => new Date());
    this.lease = new MongoLease(db, `sequencer:${options.serviceName}`, options.owner ?? `sequencer-${uuidv7()}`, { ttlMs: options.leaseTtlMs ?? 5000 });
    this.worker = new LeasedWorker({
      lease: this.lease,
      pollIntervalMs: this.pollIntervalMs,
      step: async () => (await this.step()).progressed,
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

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }

  /** Sequences until nothing is left; returns how many events were placed. Needs no lease (tests, tools). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { placed, progressed } = await this.step();
      total += placed;
      if (!progressed) return total;
    }
  }

  private forget(): void {
    this.tail = null;
    this.placed.clear();
    this.lastSweep = 0;
  }

  /** One pass: place the waiting commits, oldest first and in stream order, as one log segment. */
  async step(): Promise<{ placed: number; progressed: boolean }> {
    await this.ensureTail();
    await this.maybeSweep();
    const markers = await this.pending.find({}).toArray();
    if (markers.length === 0) return { placed: 0, progressed: false };
    const byId = new Map<string, CommitDocument>();
    for (let i = 0; i < markers.length; i += 8) {
      const found = await Promise.all(markers.slice(i, i + 8).map((m) => this.commits.findOne({ _id: m._id })));
      for (const c of found) if (c) byId.set(c._id, c);
    }
    const { batch, done } = this.chooseBatch(markers, byId);
    let placedEvents = 0;
    if (batch.length > 0) {
      const written = await this.writeSegment(batch);
      placedEvents = written.events;
      done.push(...written.commitIds);
    }
    if (done.length > 0) await this.pending.deleteMany({ _id: { $in: done } });
    if (placedEvents > 0) {
      instruments().sequenced.add(placedEvents, { service: this.options.serviceName });
      this.listeners.forEach((l) => l());
    }
    return { placed: placedEvents, progressed: done.length > 0 };
  }

  /**
   * Commit order across streams (by marker time), stream order within a stream (by version): the
   * k-th marker of a stream in time order takes that stream's k-th smallest `prev`, so a writer
   * with a slow clock cannot put version 7 before version 5.
   */
  private chooseBatch(markers: readonly PendingDocument[], byId: ReadonlyMap<string, CommitDocument>): { batch: CommitDocument[]; done: string[] } {
    const inStreamOrder = new Map<string, PendingDocument[]>();
    for (const m of markers) inStreamOrder.set(m.streamId, [...(inStreamOrder.get(m.streamId) ?? []), m]);
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
      const c = byId.get(next._id);
      if (!c) {
        if (now - next.at.getTime() > this.orphanAfterMs) done.push(next._id); // its writer died or lost
        blocked.add(m.streamId);
        continue;
      }
      if (this.placed.has(c._id)) {
        done.push(c._id);
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
      this.log.remember(segment.first, segment.last);
      this.tail = segment.last;
      // The segment itself records which commits it holds; commits are never updated (updates
      // are the slowest thing FerretDB does, and not atomic there anyway).
      for (const c of todo) this.remember(c._id);
      await this.log.setHeadHint(segment.last);
      return { events: events.length, commitIds: batch.map((c) => c._id) };
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
    const recent = await this.log.segments.find({ last: { $gt: Math.max(0, this.tail - 20 * this.batchSize) } }, { projection: { commitIds: 1 } }).toArray();
    for (const s of recent) for (const c of s.commitIds) this.remember(c);
  }

  /**
   * Re-marks commits that are in no segment and have no marker (their writer stalled past the
   * orphan time, so the marker was dropped before the commit landed). Two scans, so it runs at
   * takeover and then rarely.
   */
  private async maybeSweep(): Promise<void> {
    if (Date.now() - this.lastSweep < this.sweepIntervalMs) return;
    this.lastSweep = Date.now();
    const inLog = new Set<string>();
    for await (const s of this.log.segments.find({}, { projection: { commitIds: 1 } })) for (const c of s.commitIds) inLog.add(c);
    const cutoff = new Date(this.now().getTime() - this.orphanAfterMs);
    for await (const c of this.commits.find({ committedAt: { $lt: cutoff } }, { projection: { _id: 1, streamId: 1, prev: 1, committedAt: 1 } })) {
      if (inLog.has(c._id)) continue;
      await this.pending.insertOne({ _id: c._id, streamId: c.streamId, prev: c.prev, at: c.committedAt }).catch(() => undefined);
    }
  }
}
