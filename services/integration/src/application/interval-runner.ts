import { LeasedWorker, type Fence, type Lease } from '@yiwang/kernel-core';

export interface IntervalRunnerOptions {
  /** Time between runs; 0 never runs (the schedule is off). */
  readonly intervalMs: number;
  /** The job; it fences its writes with `fence` so a replica that lost the lease mid-run stops. */
  readonly run: (fence: Fence) => Promise<unknown>;
  /** Who may run (a lease shared by the replicas): one scheduled run per interval across replicas. */
  readonly lease: Lease;
  readonly onError?: (e: unknown) => void;
}

/**
 * Runs a job every `intervalMs` in the replica holding the lease, on the kernel's one leased loop
 * ({@link LeasedWorker}: it renews the lease and stands by while another replica holds it). The
 * first run comes one interval after start, not at once: a restart must not add a run.
 */
export class IntervalRunner {
  private readonly worker: LeasedWorker | null;

  constructor(options: IntervalRunnerOptions) {
    let due = Date.now() + options.intervalMs;
    this.worker =
      options.intervalMs <= 0
        ? null
        : new LeasedWorker({
            lease: options.lease,
            pollIntervalMs: options.intervalMs,
            step: async (fence) => {
              if (Date.now() < due) return false;
              due = Date.now() + options.intervalMs;
              await options.run(fence);
              return false;
            },
            ...(options.onError ? { onError: options.onError } : {}),
          });
  }

  start(): void {
    this.worker?.start();
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
  }
}
