/** How a failing handler is retried before its message goes to the dead-letter topic. */
export interface RetryPolicy {
  /** Handler calls in all (1 = no retry). */
  readonly attempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  /** Share of each delay that is randomised (0..1), so a fleet of consumers does not retry in lock-step. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 10_000, factor: 2, jitter: 0.2 };

/** Delay before the next call after failed attempt `attempt` (1-based): exponential, capped, jittered. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1));
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
