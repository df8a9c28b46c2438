/**
 * A circuit breaker for calls to a peer (the operations centre): after `failureThreshold` failures
 * in a row it opens and refuses calls for `openMs`; then it lets one trial call through
 * (half-open): success closes it, failure opens it again. Pure: time comes in as arguments, so it
 * is tested with a fake clock and shared by nothing.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerPolicy {
  readonly failureThreshold: number;
  readonly openMs: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(private readonly policy: BreakerPolicy) {}

  state(nowMs: number): BreakerState {
    if (this.openedAt === null) return 'closed';
    return nowMs - this.openedAt >= this.policy.openMs ? 'half_open' : 'open';
  }

  /** True when a call may go out now; in half-open, only one trial at a time. */
  tryPass(nowMs: number): boolean {
    const s = this.state(nowMs);
    if (s === 'closed') return true;
    if (s === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Milliseconds until a call may be tried again (0 when one may go now). */
  waitMs(nowMs: number): number {
    if (this.openedAt === null) return 0;
    return Math.max(0, this.openedAt + this.policy.openMs - nowMs);
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  recordFailure(nowMs: number): void {
    this.failures++;
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    if (wasTrial || this.failures >= this.policy.failureThreshold) this.openedAt = nowMs;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
