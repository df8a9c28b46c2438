import { type MonitoringRule } from '../config';

/** One reading of a monitoring point: when (epoch ms) and the temperature in tenths of a degree. */
export type Reading = Readonly<{ atMs: number; deci: number }>;

/**
 * What the rule remembers about a point between batches — a few numbers, stored as one small
 * document per point (measurements are not events; only the findings are).
 */
export type PointTrack = Readonly<{
  lastMs: number | null;
  belowSinceMs: number | null;
  lowestDeci: number | null;
  aboveSinceMs: number | null;
  findingOpen: boolean;
  /** Marked silent by the offline check; the next reading brings it back (older tracks lack it: false). */
  offline?: boolean;
}>;

export const newTrack = (): PointTrack => ({
  lastMs: null,
  belowSinceMs: null,
  lowestDeci: null,
  aboveSinceMs: null,
  findingOpen: false,
  offline: false,
});

export type Signal =
  | Readonly<{ kind: 'raise'; sinceMs: number; atMs: number; lowestDeci: number }>
  | Readonly<{ kind: 'recover'; sinceMs: number; atMs: number }>
  | Readonly<{ kind: 'online'; sinceMs: number; atMs: number }>;

const HOUR_MS = 3_600_000;

/**
 * The monitoring rule over a batch, in time order: below the standard for ≥ `belowHours` (in
 * season) raises one finding; at/above it for ≥ `recoverHours` closes it. A gap longer than
 * `maxGapMinutes` breaks a run (no finding from readings that did not arrive). Readings not newer
 * than the last one seen are skipped, so a batch sent twice raises nothing twice.
 */
export function trackReadings(
  track: PointTrack,
  readings: readonly Reading[],
  rule: MonitoringRule,
  standardDeci: number,
  inSeason: (ms: number) => boolean,
): { track: PointTrack; signals: Signal[] } {
  let t = track;
  const signals: Signal[] = [];
  for (const r of [...readings].sort((a, b) => a.atMs - b.atMs)) {
    if (t.lastMs !== null && r.atMs <= t.lastMs) continue;
    if (t.offline === true) {
      signals.push({ kind: 'online', sinceMs: t.lastMs ?? r.atMs, atMs: r.atMs });
      t = { ...t, offline: false };
    }
    if (t.lastMs !== null && r.atMs - t.lastMs > rule.maxGapMinutes * 60_000)
      t = { ...t, belowSinceMs: null, lowestDeci: null, aboveSinceMs: null };
    t = { ...t, lastMs: r.atMs };
    if (!inSeason(r.atMs)) {
      t = { ...t, belowSinceMs: null, lowestDeci: null, aboveSinceMs: null };
      continue;
    }
    if (r.deci < standardDeci) {
      const since = t.belowSinceMs ?? r.atMs;
      const lowest = Math.min(t.lowestDeci ?? r.deci, r.deci);
      t = { ...t, belowSinceMs: since, lowestDeci: lowest, aboveSinceMs: null };
      if (!t.findingOpen && r.atMs - since >= rule.belowHours * HOUR_MS) {
        signals.push({ kind: 'raise', sinceMs: since, atMs: r.atMs, lowestDeci: lowest });
        t = { ...t, findingOpen: true };
      }
    } else {
      const since = t.aboveSinceMs ?? r.atMs;
      t = { ...t, belowSinceMs: null, lowestDeci: null, aboveSinceMs: since };
      if (t.findingOpen && r.atMs - since >= rule.recoverHours * HOUR_MS) {
        signals.push({ kind: 'recover', sinceMs: since, atMs: r.atMs });
        t = { ...t, findingOpen: false };
      }
    }
  }
  return { track: t, signals };
}

/**
 * When the next point of these tracks falls silent for longer than `offlineHours` (the earliest
 * last reading of the points still online, plus the limit), or null when none can: the one number
 * the offline check's durable deadline needs.
 */
export function offlineDueMs(tracks: Iterable<PointTrack>, rule: MonitoringRule): number | null {
  let due: number | null = null;
  for (const t of tracks) {
    if (t.offline === true || t.lastMs === null) continue;
    const d = t.lastMs + rule.offlineHours * HOUR_MS + 1; // silent for *more* than the limit
    if (due === null || d < due) due = d;
  }
  return due;
}

/** The points silent for longer than `offlineHours` at `nowMs` and not yet marked offline. */
export function silentPoints(tracks: Readonly<Record<string, PointTrack>>, nowMs: number, rule: MonitoringRule): string[] {
  return Object.entries(tracks)
    .filter(([, t]) => t.offline !== true && t.lastMs !== null && nowMs - t.lastMs > rule.offlineHours * HOUR_MS)
    .map(([id]) => id)
    .sort();
}
