import { LeasedWorker, type Clock, type Fence, type Lease } from '@yiwang/kernel-core';

/** One running deadline as a read model keeps it: what it is for and when it falls due. */
export interface DueItem {
  readonly dueMs: number;
}

/** What a scan did with one due item; `skipped` when it had already been acted on or moved on. */
export type DueOutcome = 'acted' | 'skipped';

export interface DeadlineScanOptions<D extends DueItem> {
  /** The singleton claim: one replica scans. */
  readonly lease: Lease;
  readonly clock: Clock;
  /** The running deadlines due at or before `nowMs` (a read model, never a replay). */
  readonly due: (nowMs: number) => Promise<readonly D[]>;
  /** Acts on one due item. Must be idempotent (a command id derived from subject and deadline). */
  readonly act: (item: D, nowMs: number) => Promise<DueOutcome>;
  /** Deadlines are minutes apart: a scan every few seconds is plenty while they fall due. */
  readonly intervalMs?: number;
  /**
   * At rest the scan backs off, doubling its wait after every scan that found nothing due, up to
   * this (default 60 s): a quiet service queries its deadlines about once a minute, not every few
   * seconds. `wake()` (e.g. when the projector changed a deadline, or the clock moved) scans at once.
   */
  readonly maxIdleMs?: number;
  readonly onError?: (error: unknown, item?: D) => void;
}

/**
 * Durable deadlines, written once for every service with limits (dispatch's 处置时限, enforcement's
 * statutory periods, parking's notices, heating's measuring window): the deadlines live in a read
 * model, and whichever replica holds the lease scans it on the service's clock. Nothing is kept
 * only in memory, so a restart, a second replica or a clock that jumped still finds every missed
 * deadline. An item whose action fails is reported and retried on the next scan.
 */
export class DeadlineScan<D extends DueItem> {
  private readonly worker: LeasedWorker;
  private readonly intervalMs: number;
  private idleMs: number;
  private nextScanAt = 0;
  private forced = false;

  constructor(private readonly options: DeadlineScanOptions<D>) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.idleMs = this.intervalMs;
    const maxIdleMs = Math.max(this.intervalMs, options.maxIdleMs ?? 60_000);
    this.worker = new LeasedWorker({
      lease: options.lease,
      pollIntervalMs: this.intervalMs,
      // The loop comes round every interval (and renews the lease by _id); the scan's query runs
      // only when its backed-off time has come or it was woken.
      step: async (fence) => {
        if (!this.forced && Date.now() < this.nextScanAt) return false;
        this.forced = false;
        const acted = await this.scanOnce(fence);
        this.idleMs = acted > 0 ? this.intervalMs : Math.min(maxIdleMs, this.idleMs * 2);
        this.nextScanAt = Date.now() + this.idleMs;
        return false; // a scan that acted still waits for the next interval
      },
      onError: (e) => options.onError?.(e),
    });
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }

  /** Scans at once, e.g. after a deadline was set or the clock was moved, and stops backing off. */
  wake(): void {
    this.forced = true;
    this.idleMs = this.intervalMs;
    this.worker.wake();
  }

  /**
   * One scan; returns how many items were acted on. Under the lease, each act is fenced first: a
   * replica that lost its term mid-scan (a long pause, a takeover) stops before its next command
   * instead of racing the new holder through the rest of the list.
   */
  async scanOnce(fence?: Fence): Promise<number> {
    const nowMs = this.options.clock.now().getTime();
    let acted = 0;
    for (const item of await this.options.due(nowMs)) {
      await fence?.();
      try {
        if ((await this.options.act(item, nowMs)) === 'acted') acted++;
      } catch (e) {
        this.options.onError?.(e, item);
      }
    }
    return acted;
  }
}
