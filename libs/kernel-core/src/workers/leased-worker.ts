import type { Lease } from '../ports/lease';
import { Wakeup } from './wakeup';

export interface LeasedWorkerOptions {
  readonly lease: Lease;
  /** Wait between steps while there is nothing to do; `wake()` cuts it short. */
  readonly pollIntervalMs: number;
  /**
   * Longest wait while idle. After each step that did nothing the wait doubles, from
   * `pollIntervalMs` up to this; a step that did something or a `wake()` starts again from
   * `pollIntervalMs`. Default `pollIntervalMs` (no backoff).
   */
  readonly maxPollIntervalMs?: number;
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
  /** When the last successful claim or renewal was *asked* (so the lease ran at least ttl from then). */
  private renewedAt = 0;
  /** A wake() arrived since the last step began. */
  private woken = false;

  constructor(private readonly options: LeasedWorkerOptions) {}

  get isHolding(): boolean {
    return this.holding;
  }

  /**
   * True while this process holds the lease with half its time to live to spare: no other
   * process can have taken it over since, so whatever only the holder writes is known here.
   */
  get isSurelyHolding(): boolean {
    return this.running && this.holding && Date.now() - this.renewedAt < this.options.lease.ttl / 2;
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
    this.woken = true;
    this.wakeup.wake();
  }

  private async loop(): Promise<void> {
    const { lease } = this.options;
    const base = this.options.pollIntervalMs;
    const max = Math.max(base, this.options.maxPollIntervalMs ?? base);
    let lastRenewal = 0;
    let idleWait = base;
    while (this.running) {
      try {
        if (!this.holding || Date.now() - lastRenewal > lease.ttl / 3) {
          const asked = Date.now();
          const held = await lease.tryAcquire();
          if (held && !this.holding) this.options.onLeaseGained?.();
          this.holding = held;
          lastRenewal = asked;
          if (held) this.renewedAt = asked;
        }
        if (!this.holding) {
          await this.wakeup.wait(lease.ttl / 2);
          continue;
        }
        this.woken = false;
        const progressed = await this.options.step();
        if (progressed || this.woken) {
          idleWait = base;
          if (progressed) continue;
        }
        // Never sleep past the next renewal: the lease must not lapse while idle.
        const woken = await this.wakeup.wait(Math.max(0, Math.min(idleWait, lastRenewal + lease.ttl / 3 - Date.now())));
        idleWait = woken ? base : Math.min(max, idleWait * 2);
      } catch (e) {
        this.options.onError?.(e);
        await this.wakeup.wait(base * 4);
      }
    }
  }
}
