import { Wakeup } from '@yiwang/kernel';

/** Runs a job every `intervalMs` until stopped (0: never); a failing run is reported, not fatal. */
export class IntervalRunner {
  private readonly wakeup = new Wakeup();
  private running = false;
  private done: Promise<void> | null = null;

  constructor(private readonly options: { intervalMs: number; run: () => Promise<unknown>; onError?: (e: unknown) => void }) {}

  start(): void {
    if (this.running || this.options.intervalMs <= 0) return;
    this.running = true;
    this.done = (async () => {
      while (this.running) {
        await this.wakeup.wait(this.options.intervalMs);
        if (!this.running) break;
        await this.options.run().catch((e: unknown) => this.options.onError?.(e));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    await this.done;
  }
}
