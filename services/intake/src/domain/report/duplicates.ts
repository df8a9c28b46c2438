import { haversineMeters, type LatLon } from '../geo/coordinates';
import { type Channel } from './report-events';

/**
 * Duplicate matching (重复案件合并): a new report of the same category close to an open one, soon
 * after it, is the same problem seen twice. FixMyStreet suggests duplicates within 250 m (1000 m
 * for inspectors); a city tunes distance and window per channel.
 */
export type DuplicatePolicy = Readonly<{
  maxDistanceMeters: number;
  windowHours: number;
  /** Per-channel overrides, e.g. a wider radius for camera reports whose location is the camera's. */
  byChannel?: Partial<Readonly<Record<Channel, Readonly<{ maxDistanceMeters?: number; windowHours?: number }>>>>;
}>;

export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = {
  maxDistanceMeters: 50,
  windowHours: 72,
  byChannel: { camera: { maxDistanceMeters: 100 } },
};

export type DuplicateProbe = Readonly<{ channel: Channel; category: string; location: LatLon; receivedAt: string }>;
/** An open (filed, not closed) report, as the handler's read model lists it. */
export type OpenReport = Readonly<{ reportId: string; caseId: string | null; category: string; location: LatLon; receivedAt: string }>;
export type DuplicateMatch = Readonly<{ reportId: string; caseId: string | null; distanceMeters: number }>;

/**
 * The master a new report should be merged into, or null. Candidates must share the category,
 * lie within the distance and have come in within the window before the new one; the nearest
 * wins, and of equally near ones the earliest (the one the others were merged into already).
 */
export function findDuplicateMaster(
  probe: DuplicateProbe,
  candidates: readonly OpenReport[],
  policy: DuplicatePolicy = DEFAULT_DUPLICATE_POLICY,
): DuplicateMatch | null {
  const override = policy.byChannel?.[probe.channel];
  const maxDistance = override?.maxDistanceMeters ?? policy.maxDistanceMeters;
  const windowMs = (override?.windowHours ?? policy.windowHours) * 3_600_000;
  const now = Date.parse(probe.receivedAt);
  let best: (DuplicateMatch & { at: number }) | null = null;
  for (const c of candidates) {
    if (c.category !== probe.category) continue;
    const at = Date.parse(c.receivedAt);
    if (!(at <= now && now - at <= windowMs)) continue;
    const distanceMeters = haversineMeters(probe.location, c.location);
    if (distanceMeters > maxDistance) continue;
    if (best === null || distanceMeters < best.distanceMeters || (distanceMeters === best.distanceMeters && at < best.at)) {
      best = { reportId: c.reportId, caseId: c.caseId, distanceMeters, at };
    }
  }
  return best && { reportId: best.reportId, caseId: best.caseId, distanceMeters: best.distanceMeters };
}
