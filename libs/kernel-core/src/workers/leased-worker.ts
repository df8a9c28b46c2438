import { LeaseLostError, type Lease } from '../ports/lease';
import { forgetComponentStatus, reportComponentStatus } from './component-status';
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
  /**
   * One unit of work. Returns true when it did something, and the loop goes again at once.
   * `fence` resolves while this process still holds its term and rejects with
   * {@link LeaseLostError} once it does not: call it before each write of a batch.
   */
  readonly step: (fence: Fence) => Promise<boolean>;
  /** Called when this process (re)gains the lease: forget caches another holder may have outdated. */
  readonly onLeaseGained?: () => void;
  readonly onError?: (error: unknown) => void;
  /**
   * On `stop()`, after the last step and before the lease is released, while the term is still
   * surely held: the last writes of the holder (a checkpoint), which after the release could land
   * next to a new holder's.
   */
  readonly beforeRelease?: () => Promise<void>;
}

/** Resolves while the caller's lease term is still held; rejects with {@link LeaseLostError} otherwise. */
export type Fence = () => Promise<void>;

/**
 * The loop shared by every singleton job (sequencer, projectors, deadline scheduler): hold the lease,
 * renewing it every third of its time to live; while holding, run steps; otherwise stand by and try
 * again after half a lease. A failing step is reported and retried after a pause, never fatal.
 *
 * A step may outlast the lease (a long batch, a slow database): the lease is renewed in the
 * background every third of its time to live while the step runs, and the step fences its writes
 * (`fence()`), so a holder whose term was taken over — after a pause longer than the lease, or by a
 * contender whose clock runs ahead — stops at its next write instead of writing next to the new
 * holder. A renewal that finds the term lost ends the holding at once.
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
  /** The lease was found lost (by a renewal or a fence) during the current step. */
  private lost = false;
  /** The lease's time to live counted from `renewedAt`, less a quarter for clock skew and slow calls. */
  private validUntil = 0;
  /** Cuts the wait of the renewals running beside the current step short (a new one per step). */
  private renewalWakeup: Wakeup | null = null;
  /** The holding last shown in the component statuses (null: not yet). */
  private shown: boolean | null = null;

  constructor(private readonly options: LeasedWorkerOptions) {}

  get isHolding(): boolean {
    return this.holding;
  }

  /**
   * True while this process holds the lease with half its time to live to spare: no other
   * process can have taken it over since, so whatever only the holder writes is known here.
   */
  get isSurelyHolding(): boolean {
    return this.running && this.holding && !this.lost && Date.now() - this.renewedAt < this.options.lease.ttl / 2;
  }

  /**
   * Resolves while this process holds its term: not stopped, not found lost, its claim not run out
   * locally, and — where the lease can tell (`verify`) — no later term in the store. Rejects with
   * {@link LeaseLostError} otherwise. Steps get it as their argument; it is here for writers outside.
   */
  readonly fence: Fence = async () => {
    const { lease } = this.options;
    const refuse = (): never => {
      this.lost = true;
      throw new LeaseLostError(lease.name, lease.term);
    };
    if (!this.running || !this.holding || this.lost || Date.now() >= this.validUntil) refuse();
    if (lease.verify && !(await lease.verify())) refuse();
  };

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeup.wake();
    this.renewalWakeup?.wake();
    await this.done;
    this.done = null;
    if (this.holding && !this.lost && Date.now() < this.validUntil && this.options.beforeRelease)
      await this.options.beforeRelease().catch((e: unknown) => this.options.onError?.(e));
    this.holding = false;
    await this.options.lease.release().catch(() => undefined);
    forgetComponentStatus(this.statusName);
    this.shown = null;
  }

  /**
   * Which replica is the active one shows in each process's `/readyz` body and metrics as
   * `lease:<name>`: up while holding, standby otherwise.
   */
  private get statusName(): string {
    return `lease:${this.options.lease.name}`;
  }

  private showHolding(): void {
    if (this.shown === this.holding) return;
    this.shown = this.holding;
    const { term } = this.options.lease;
    reportComponentStatus(this.statusName, this.holding ? 'up' : 'standby', this.holding && term !== null ? { figures: { term } } : {});
  }

  wake(): void {
    this.woken = true;
    this.wakeup.wake();
  }

  private async loop(): Promise<void> {
    const { lease } = this.options;
    const base = this.options.pollIntervalMs;
    const max = Math.max(base, this.options.maxPollIntervalMs ?? base);
    let idleWait = base;
    while (this.running) {
      try {
        if (!this.holding || this.lost || Date.now() - this.renewedAt > lease.ttl / 3) {
          const asked = Date.now();
          const held = await lease.tryAcquire();
          if (held && (!this.holding || this.lost)) this.options.onLeaseGained?.();
          this.holding = held;
          this.showHolding();
          this.lost = false;
          if (held) this.renewed(asked);
        }
        if (!this.holding) {
          await this.wakeup.wait(lease.ttl / 2);
          continue;
        }
        this.woken = false;
        const progressed = await this.stepRenewing();
        if (progressed || this.woken) {
          idleWait = base;
          if (progressed) continue;
        }
        // Never sleep past the next renewal: the lease must not lapse while idle.
        const woken = await this.wakeup.wait(Math.max(0, Math.min(idleWait, this.renewedAt + lease.ttl / 3 - Date.now())));
        idleWait = woken ? base : Math.min(max, idleWait * 2);
      } catch (e) {
        this.options.onError?.(e);
        await this.wakeup.wait(base * 4);
      }
    }
  }

  private renewed(asked: number): void {
    this.renewedAt = asked;
    this.validUntil = asked + this.options.lease.ttl * 0.75;
  }

  /** Runs one step while renewing the lease every third of its time to live, until the step ends. */
  private async stepRenewing(): Promise<boolean> {
    const { lease } = this.options;
    let stepping = true;
    const wakeup = new Wakeup();
    this.renewalWakeup = wakeup;
    const renewing = (async () => {
      while (stepping && this.running && !this.lost) {
        await wakeup.wait(Math.max(0, this.renewedAt + lease.ttl / 3 - Date.now()));
        if (!stepping || !this.running) return;
        const asked = Date.now();
        try {
          if (await lease.tryAcquire()) this.renewed(asked);
          else this.lost = true; // taken over: the step's next fence refuses
        } catch {
          // The database may be slow or away: the local expiry fences once the claim runs out.
          await wakeup.wait(lease.ttl / 12);
        }
      }
    })();
    try {
      return await this.options.step(this.fence);
    } finally {
      stepping = false;
      wakeup.wake();
      await renewing;
      this.renewalWakeup = null;
    }
  }
}
