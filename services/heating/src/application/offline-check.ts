import { uuidv7, type Clock } from '@yiwang/kernel-core';
import { DeadlineScan } from '@yiwang/working-time';
import { MongoLease } from '@yiwang/kernel-mongodb';
import type { Db } from 'mongodb';
import { type MongoReadingStore, type ShardDoc } from '../adapters/mongo/reading-store';
import { type ReadingsIngest } from './readings-ingest';

type DueShard = ShardDoc & { dueMs: number };

/**
 * Device offline detection on the shared durable DeadlineScan: each shard of the monitoring
 * rule's state carries when its next point falls silent (`dueMs`, written with the shard, so no
 * extra write per batch), and the replica holding the lease marks the silent points offline.
 * Durable across restarts because the due time is in the shard document, not in a timer.
 */
export class OfflineCheck {
  private readonly scan: DeadlineScan<DueShard>;

  constructor(options: {
    db: Db;
    readings: MongoReadingStore;
    ingest: ReadingsIngest;
    clock: Clock;
    intervalMs: number;
    onError?: (e: unknown) => void;
  }) {
    this.scan = new DeadlineScan<DueShard>({
      lease: new MongoLease(options.db, 'heating:offline-check', `offline-${uuidv7()}`, { ttlMs: 10_000 }),
      clock: options.clock,
      intervalMs: options.intervalMs,
      due: (nowMs) => options.readings.dueShards(nowMs),
      act: (doc) => options.ingest.markSilent(doc),
      onError: (e) => options.onError?.(e),
    });
  }

  start(): void {
    this.scan.start();
  }
  stop(): Promise<void> {
    return this.scan.stop();
  }
  /** Scans at once (e.g. after a test clock moved) instead of waiting out the idle back-off. */
  wake(): void {
    this.scan.wake();
  }
  scanOnce(): Promise<number> {
    return this.scan.scanOnce();
  }
}
