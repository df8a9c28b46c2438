import { Wakeup } from '@yiwang/kernel-core';

/** Who may run this tick (a lease shared by the replicas); `tryAcquire` takes or renews it. */
export interface TickLease {
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Runs a job every `intervalMs` until stopped (0: never); a failing run is reported, not fatal.
 * With a `lease`, a tick runs only in the replica holding it — one scheduled run per interval
 * across replicas, not one per replica — and the holder keeps it by renewing at every tick (so its
 * ttl should exceed the interval); a dead holder is replaced when its lease expires.
 */
export class IntervalRunner {
  private readonly wakeup = new Wakeup();
  private running = false;
  private done: Promise<void> | null = null;

  constructor(private readonly options: { intervalMs: number; run: () => Promise<unknown>; onError?: (e: unknown) => void; lease?: TickLease }) {}

  start(): void {
    if (this.running || this.options.intervalMs <= 0) return;
    this.running = true;
    this.done = (async () => {
      while (this.running) {
        await this.wakeup.wait(this.options.intervalMs);
        if (!this.running) break;
        await this.tick().catch((e: unknown) => this.options.onError?.(e));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await this.done;
    await this.options.lease?.release().catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.options.lease && !(await this.options.lease.tryAcquire())) return;
    await this.options.run();
  }
}
