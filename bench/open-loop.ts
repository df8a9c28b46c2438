/**
 * Open-loop load: requests start on a fixed schedule (i / rate seconds after the start) whether or
 * not earlier ones have finished, and latency is measured from the *scheduled* start, so a stalled
 * system shows up as latency instead of quietly lowering the offered rate (coordinated omission).
 */
export interface Sample {
  /** Scheduled start, ms on the `performance.now()` clock. */
  readonly scheduledAt: number;
  /** When the operation's own call returned (ms), or null when it failed. */
  readonly answeredAt: number | null;
  readonly error: string | null;
  readonly key: string | null;
}

/** Calls `op(i)` at `rate` per second for `seconds`; resolves when every call has settled. */
export async function openLoop(rate: number, seconds: number, op: (i: number) => Promise<string>): Promise<Sample[]> {
  const total = Math.round(rate * seconds);
  const samples: Promise<Sample>[] = [];
  const start = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    // Fire every call that is due (a late timer fires several at once: the schedule, not the timer, decides).
    while (i < total && start + (i * 1000) / rate <= now) {
      const scheduledAt = start + (i * 1000) / rate;
      const n = i++;
      samples.push(
        op(n).then(
          (key) => ({ scheduledAt, answeredAt: performance.now(), error: null, key }),
          (e: unknown) => ({ scheduledAt, answeredAt: null, error: e instanceof Error ? e.message : String(e), key: null }),
        ),
      );
    }
    const next = start + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(50, next - performance.now()))));
  }
  return Promise.all(samples);
}

/** The p-th percentile (nearest rank) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const ms = (x: number): string => (Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Polls `check` until it is true or `timeoutMs` passed; returns whether it became true. */
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}
