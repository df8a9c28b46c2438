import type { Lease } from '../ports/lease';
import { Wakeup } from './wakeup';

export interface LeasedWorkerOptions {
  readonly lease: Lease;
  /** Wait between steps while there is nothing to do; `wake()` cuts it short. */
  readonly pollIntervalMs: number;
  /** One unit of work. Returns true when it did something, and the loop goes again at once. */
  readonly step: () => Promise<boolean>;
  /** Called when this process (re)gains the lease: forget caches another holder may have outdated. */
  readonly onLeaseGained?: () => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * The loop shared by every singleton job (sequencer, projectors, deadline scheduler): hold the lease,
 * renewing it every third of its time to live; while holding, run steps; otherwise stand by and try
 * again after half a lease. A failing step is reported and retried after a pause, never fatal.
 */
export class LeasedWorker {
  private readonly wakeup = new Wakeup();
  private running = false;
  private done: Promise<void> | null = null;
  private holding = false;

  constructor(private readonly options: LeasedWorkerOptions) {}

  get isHolding(): boolean {
    return this.holding;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await this.done;
    this.done = null;
    this.holding = false;
    await this.options.lease.release().catch(() => undefined);
  }

  wake(): void {
    this.wakeup.wake();
  }

  private async loop(): Promise<void> {
    const { lease } = this.options;
    let lastRenewal = 0;
    while (this.running) {
      try {
        if (!this.holding || Date.now() - lastRenewal > lease.ttl / 3) {
          const held = await lease.tryAcquire();
          if (held && !this.holding) this.options.onLeaseGained?.();
          this.holding = held;
          lastRenewal = Date.now();
        }
        if (!this.holding) {
          await this.wakeup.wait(lease.ttl / 2);
          continue;
        }
        const progressed = await this.options.step();
        if (!progressed) await this.wakeup.wait(this.options.pollIntervalMs);
      } catch (e) {
        this.options.onError?.(e);
        await this.wakeup.wait(this.options.pollIntervalMs * 4);
      }
    }
  }
}
