import type { Collection, Db } from 'mongodb';
import { metrics } from '@opentelemetry/api';
import { MongoLease } from '../../leases/mongo-lease';
import { uuidv7 } from '../../ids/uuid-v7';
import type { CommitDocument, LogDocument, StoredEvent } from './documents';
import { isDuplicateKeyError } from './mongo-errors';

export interface SequencerOptions {
  readonly serviceName: string;
  readonly now?: () => Date;
  /** Most events moved into the log in one pass. */
  readonly batchSize?: number;
  /** How often an idle sequencer looks for work that another process appended. */
  readonly pollIntervalMs?: number;
  readonly leaseTtlMs?: number;
  /** Identity in the lease; unique per process by default. */
  readonly owner?: string;
}

const meter = metrics.getMeter('@yiwang/kernel');
const sequencedCounter = meter.createCounter('yiwang.events.sequenced', { description: 'events placed in the ordered log' });

/**
 * Gives appended events their place in the service-wide ordered log.
 *
 * Why a sequencer and not a counter at append time: a counter hands out position P to a writer that
 * may commit after P+1 is already visible (or never), so a reader tailing "after P" skips events or
 * waits on holes forever. Here positions are created by inserting `_id = max + 1` into the log, and
 * an insert of P only happens after P−1 is visible, so the log is contiguous at every instant. A lease
 * keeps one sequencer busy per service; a stale one that keeps writing can only hit duplicate keys
 * (on the position, or on stream+version), never create a hole or a second copy.
 */
export class Sequencer {
  private readonly lease: MongoLease;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private nextPosition: number | null = null;
  /** Highest placed version per stream, as far as this process knows (never ahead of the log). */
  private readonly headCache = new Map<string, number>();
  private running = false;
  private loopDone: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private lastRenewal = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    db: Db,
    private readonly commits: Collection<CommitDocument>,
    private readonly log: Collection<LogDocument>,
    private readonly options: SequencerOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.lease = new MongoLease(db, `sequencer:${options.serviceName}`, options.owner ?? `sequencer-${uuidv7()}`, { ttlMs: options.leaseTtlMs ?? 5000 });
  }

  onSequenced(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Nudges a waiting loop (appends in this process call it). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loopDone;
    this.loopDone = null;
    await this.lease.release().catch(() => undefined);
  }

  /** Sequences until nothing is left; returns how many events were placed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.step();
      total += n;
      if (n === 0) return total;
    }
  }

  private async loop(): Promise<void> {
    let holding = false;
    while (this.running) {
      try {
        if (!holding || Date.now() - this.lastRenewal > this.lease.ttl / 3) {
          const held = await this.lease.tryAcquire();
          if (held && !holding) {
            this.nextPosition = null; // another holder may have advanced the log
            this.headCache.clear();
          }
          holding = held;
          this.lastRenewal = Date.now();
        }
        if (!holding) {
          await this.sleep(this.lease.ttl / 2);
          continue;
        }
        const n = await this.step();
        if (n === 0) await this.sleep(this.pollIntervalMs);
      } catch {
        this.nextPosition = null;
        await this.sleep(this.pollIntervalMs * 4);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        this.woken = false;
        done();
      };
    });
  }

  /**
   * One pass: take unsequenced commits, oldest first, and place their events in the log. A commit
   * waits when its predecessor in the stream is not placed yet, so each stream's order holds even
   * when clocks of different writers disagree.
   */
  async step(): Promise<number> {
    const waiting = await this.commits.find({ sequenced: false }).sort({ committedAt: 1, _id: 1 }).limit(this.batchSize).toArray();
    if (waiting.length === 0) return 0;
    const byStream = new Map<string, CommitDocument[]>();
    for (const c of waiting) byStream.set(c.streamId, [...(byStream.get(c.streamId) ?? []), c]);
    const heads = new Map<string, number>();
    for (const streamId of byStream.keys()) {
      const first = byStream.get(streamId)![0]!;
      let head = this.headCache.get(streamId) ?? (await this.placedHead(streamId));
      if (first.prev > head) head = await this.placedHead(streamId); // the cache may lag a racing sequencer
      heads.set(streamId, head);
    }

    const queue: StoredEvent[] = [];
    const ready: CommitDocument[] = [];
    const blocked = new Set<string>();
    for (const c of waiting) {
      const head = heads.get(c.streamId) ?? 0;
      if (blocked.has(c.streamId) || c.prev > head) {
        blocked.add(c.streamId);
        continue;
      }
      for (const e of c.events) if (e.streamVersion > head) queue.push(e);
      heads.set(c.streamId, Math.max(head, c.last));
      ready.push(c);
    }
    const { placed, positions } = await this.insertContiguously(queue);
    if (this.headCache.size > 50_000) this.headCache.clear();
    for (const c of ready) this.headCache.set(c.streamId, Math.max(this.headCache.get(c.streamId) ?? 0, c.last));
    await this.markSequenced(ready, positions);
    if (placed > 0) {
      sequencedCounter.add(placed, { service: this.options.serviceName });
      this.listeners.forEach((l) => l());
    }
    return Math.max(ready.length, placed);
  }

  /** Highest version of the stream already in the log (0 if none). */
  private async placedHead(streamId: string): Promise<number> {
    const doc = await this.log.find({ streamId }, { projection: { streamVersion: 1 } }).sort({ streamVersion: -1 }).limit(1).next();
    return doc?.streamVersion ?? 0;
  }

  private async insertContiguously(events: readonly StoredEvent[]): Promise<{ placed: number; positions: Map<string, number> }> {
    const positions = new Map<string, number>();
    let queue = [...events];
    let position = this.nextPosition ?? (await this.maxPosition()) + 1;
    let placed = 0;
    while (queue.length > 0) {
      const docs: LogDocument[] = queue.map((e, i) => ({ _id: position + i, ...e }));
      try {
        await this.log.insertMany(docs, { ordered: true });
        for (const d of docs) positions.set(d.id, d._id);
        position += docs.length;
        placed += docs.length;
        queue = [];
      } catch (e) {
        if (!isDuplicateKeyError(e)) {
          this.nextPosition = null;
          throw e;
        }
        const failedAt = (e as { writeErrors?: Array<{ index: number }> }).writeErrors?.[0]?.index ?? 0;
        for (const d of docs.slice(0, failedAt)) positions.set(d.id, d._id);
        position += failedAt;
        placed += failedAt;
        queue = queue.slice(failedAt);
        const failed = queue[0]!;
        // Which unique key? FerretDB does not say, so ask: is this event already in the log?
        if (await this.log.findOne({ streamId: failed.streamId, streamVersion: failed.streamVersion }, { projection: { _id: 1 } })) {
          queue = queue.slice(1);
        } else {
          position = (await this.maxPosition()) + 1; // another sequencer took the position
        }
      }
    }
    this.nextPosition = position;
    return { placed, positions };
  }

  private async maxPosition(): Promise<number> {
    const last = await this.log.find({}, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).next();
    return last?._id ?? 0;
  }

  /** Records where each placed commit's events landed (reads them back: a racing sequencer may have placed some). */
  private async markSequenced(commits: readonly CommitDocument[], known: ReadonlyMap<string, number>): Promise<void> {
    if (commits.length === 0) return;
    const ops = [];
    for (const c of commits) {
      const mine = c.events.map((e) => known.get(e.id));
      if (mine.every((p): p is number => p !== undefined)) {
        ops.push({ updateOne: { filter: { _id: c._id }, update: { $set: { sequenced: true, positions: mine } } } });
        continue;
      }
      const placed = await this.log
        .find({ streamId: c.streamId, streamVersion: { $gt: c.prev, $lte: c.last } }, { projection: { _id: 1, streamVersion: 1 } })
        .sort({ streamVersion: 1 })
        .toArray();
      if (placed.length !== c.last - c.prev) continue; // not all placed yet: the next pass finishes it
      ops.push({ updateOne: { filter: { _id: c._id }, update: { $set: { sequenced: true, positions: placed.map((p) => p._id) } } } });
    }
    if (ops.length > 0) await this.commits.bulkWrite(ops, { ordered: false });
  }
}
