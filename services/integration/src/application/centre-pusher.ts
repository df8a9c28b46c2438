import { type Db } from 'mongodb';
import { LeasedWorker, uuidv7, type EventStore, type Fence, type LoggedEvent } from '@yiwang/kernel-core';
import { MongoRelayCheckpoints } from '@yiwang/kernel-mongodb';
import { backoffDelay, type RetryPolicy } from '@yiwang/kernel-kafka';
import { MongoLease } from '@yiwang/kernel-mongodb';
import { CircuitBreaker, OUTBOUND_TYPES, type BreakerPolicy, type BreakerState, type CaseUpdate } from '../domain';
import type { Clock } from '@yiwang/kernel-core';
import type { CentreLink } from './ports';
import { type SyncService } from './sync-service';
import { countPushed, countPushFailure, observeSync } from './sync-metrics';

/** Cases whose acknowledgements are written at once (see `ackWriteConcurrency`). */
export const DEFAULT_ACK_WRITE_CONCURRENCY = 16;

export interface CentrePusherOptions {
  readonly store: EventStore;
  readonly db: Db;
  readonly centre: CentreLink;
  readonly sync: SyncService;
  readonly clock: Clock;
  /** Updates per call to the centre. */
  readonly batchSize: number;
  /** Backoff between failed pushes (exponential, capped, jittered); `attempts` is not used: we never give up. */
  readonly backoff: Omit<RetryPolicy, 'attempts'>;
  readonly breaker: BreakerPolicy;
  readonly pollIntervalMs: number;
  /**
   * How many cases' acknowledgements are recorded at once after a push. Bounded because FerretDB
   * 1.24 (SQLite) stalls on large bursts of concurrent writes; MongoDB would take more. Default
   * {@link DEFAULT_ACK_WRITE_CONCURRENCY}.
   */
  readonly ackWriteConcurrency?: number;
  readonly leaseTtlMs: number;
  readonly onError?: (error: unknown) => void;
  /** Called with each batch the centre acknowledged in full, for tests and the bench. */
  readonly onPushed?: (updates: readonly CaseUpdate[]) => void;
}

const CHECKPOINT = 'opscenter:case-updates';
const SCAN_LIMIT = 1_000;

/**
 * Outbound: pushes the updates queued in the store's ordered log to the centre, in log order (so
 * per case in sequence order), at least once. The store is the queue: while the centre is away
 * nothing waits in memory; the checkpoint moves only over updates the centre acknowledged, so a
 * crash or an outage resends from the first unacknowledged one (the centre de-duplicates by id).
 * Failures back off exponentially with jitter behind a circuit breaker. One pusher is active at a
 * time (lease `opscenter-pusher`).
 */
export class CentrePusher {
  private readonly worker: LeasedWorker;
  private readonly checkpoints: MongoRelayCheckpoints;
  private readonly breaker: CircuitBreaker;
  private readonly owner = `pusher-${uuidv7()}`;
  private failures = 0;
  private notBefore = 0;
  private lastBacklog = 0;
  private oldestWaiting: number | null = null;
  private unobserve: (() => void) | null = null;

  constructor(private readonly options: CentrePusherOptions) {
    this.checkpoints = new MongoRelayCheckpoints(options.db);
    this.breaker = new CircuitBreaker(options.breaker);
    this.worker = new LeasedWorker({
      lease: new MongoLease(options.db, 'opscenter-pusher', this.owner, { ttlMs: options.leaseTtlMs }),
      pollIntervalMs: options.pollIntervalMs,
      step: (fence) => this.step(fence),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  start(): void {
    this.unobserve = observeSync({
      backlog: () => this.lastBacklog,
      lagSeconds: () => this.lagSeconds(),
      breakerState: () => this.breakerState(),
    });
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    this.unobserve?.();
  }

  wake(): void {
    this.worker.wake();
  }

  breakerState(): BreakerState {
    return this.breaker.state(this.options.clock.now().getTime());
  }

  /** Updates waiting for the centre, as of the last step. */
  get backlog(): number {
    return this.lastBacklog;
  }

  lagSeconds(): number {
    return this.oldestWaiting === null ? 0 : Math.max(0, (this.options.clock.now().getTime() - this.oldestWaiting) / 1000);
  }

  /** Where the centre has acknowledged up to, as a log position. */
  checkpoint(): Promise<number> {
    return this.checkpoints.get(CHECKPOINT);
  }

  /**
   * One batch: read after the checkpoint, push, record acknowledgements, move the checkpoint. The
   * push and the checkpoint are fenced: a pusher that lost its lease (a long pause, a takeover)
   * must not send an older update after the new holder sent a newer one, nor move the checkpoint.
   */
  private async step(fence: Fence): Promise<boolean> {
    const now = this.options.clock.now().getTime();
    if (now < this.notBefore) return false;
    const after = await this.checkpoints.get(CHECKPOINT);
    const scanned = await this.options.store.readAll({ after, limit: SCAN_LIMIT });
    if (scanned.length === 0) {
      this.lastBacklog = 0;
      this.oldestWaiting = null;
      return false;
    }
    const outbound = scanned.filter((e) => OUTBOUND_TYPES.includes(e.type));
    this.lastBacklog = outbound.length;
    if (outbound.length === 0) {
      await fence();
      await this.checkpoints.advance(CHECKPOINT, scanned[scanned.length - 1]!.position, this.owner);
      this.oldestWaiting = null;
      return true;
    }
    const batch = outbound.slice(0, this.options.batchSize);
    const updates = batch.map((e) => (e.data as { update: CaseUpdate }).update);
    this.oldestWaiting = Date.parse(updates[0]!.queuedAt);
    if (!this.breaker.tryPass(now)) {
      this.notBefore = now + this.breaker.waitMs(now);
      return false;
    }
    await fence();
    let acknowledged: ReadonlySet<string>;
    try {
      acknowledged = new Set(await this.options.centre.receiveCaseUpdates(updates));
    } catch (e) {
      this.fail(e, now);
      return false;
    }
    this.breaker.recordSuccess();
    this.failures = 0;
    // The checkpoint may pass only over an unbroken run of acknowledged updates (from the start of
    // the batch): anything after a gap is sent again, so per-case order never breaks.
    const firstMissing = updates.findIndex((u) => !acknowledged.has(u.eventId));
    const settled = firstMissing === -1 ? batch : batch.slice(0, firstMissing);
    await fence();
    await this.recordAcknowledgements(settled.map((e) => (e.data as { update: CaseUpdate }).update));
    const last: LoggedEvent | undefined =
      firstMissing === -1
        ? batch.length === outbound.length
          ? scanned[scanned.length - 1]
          : batch[batch.length - 1]
        : settled[settled.length - 1];
    if (last) await this.checkpoints.advance(CHECKPOINT, last.position, this.owner);
    const nowAfter = this.options.clock.now().getTime();
    countPushed(
      settled.length,
      settled.map((e) => (nowAfter - Date.parse((e.data as { update: CaseUpdate }).update.occurredAt)) / 1000),
    );
    if (firstMissing === -1) this.options.onPushed?.(updates);
    else {
      // Partial acknowledgement: the centre is up but did not take everything; try again soon.
      countPushFailure('partial');
      this.notBefore = nowAfter + Math.min(this.options.backoff.initialDelayMs, 1_000);
    }
    return true;
  }

  private async recordAcknowledgements(updates: readonly CaseUpdate[]): Promise<void> {
    const byCase = new Map<string, string[]>();
    for (const u of updates) byCase.set(u.caseId, [...(byCase.get(u.caseId) ?? []), u.eventId]);
    const entries = [...byCase.entries()];
    const width = this.options.ackWriteConcurrency ?? DEFAULT_ACK_WRITE_CONCURRENCY;
    for (let i = 0; i < entries.length; i += width) {
      await Promise.all(entries.slice(i, i + width).map(([caseId, ids]) => this.options.sync.acknowledge(caseId, ids)));
    }
  }

  private fail(error: unknown, now: number): void {
    this.failures++;
    this.breaker.recordFailure(now);
    countPushFailure((error as { code?: number })?.code !== undefined ? `grpc_${(error as { code: number }).code}` : 'error');
    const delay = backoffDelay(this.failures, { ...this.options.backoff, attempts: Number.POSITIVE_INFINITY });
    this.notBefore = now + Math.max(delay, this.breaker.waitMs(now));
    this.options.onError?.(error);
  }
}
