import { toShanghaiIso } from '@yiwang/working-time';
import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import { type OpenReport, type ReportEvent } from '../../domain';
import { reportEventMapping } from '../report-mapping';

/**
 * Indexes over many reports, written only by the projector (one writer, holding a lease) with
 * log-position guards — never inline, because FerretDB's read-then-replace on a shared document
 * is not atomic:
 * - `open_by_tile`: per category code and map tile (~550 × 450 m), the compact list of open (filed,
 *   not closed) reports of the recent window, for duplicate search by `_id` lookups. Tiles, not one document per category: a document rewritten on every
 *   filing must not grow with the city's open caseload. A search reads only the tiles its radius
 *   reaches (usually one or two for the default 50 m), never more than the tile and its eight neighbours;
 * - `membership`: report id → category and tile, so a closure finds the list to remove it from;
 * - `by_day`: received report ids per day (Asia/Shanghai), for Open311 listings without a scan.
 */
// v2: open reports by category and tile (v1 kept one document per category); a new name makes the
// projector build it from the start of the log instead of continuing v1's checkpoint.
export const REPORT_INDEX_PROJECTION = 'report_index_v2';

export type OpenEntry = { r: string; c: string | null; lat: number; lon: number; t: string };
export type OpenInTile = { category: string; tile: string; open: OpenEntry[] };
export type Membership = { category: string; tile: string };
export type DayIndex = { day: string; reports: string[] };

/** Tile edge in degrees: 0.005° is ~556 m north–south and ≥ 330 m east–west anywhere in China (≤ 53.5° N). */
const TILE_DEGREES = 0.005;
/** The tile and its eight neighbours reach at least this far from any point inside the tile. */
export const DUPLICATE_SEARCH_RADIUS_METERS = 330;

export const tileOf = (location: { lat: number; lon: number }): string =>
  `${Math.floor(location.lat / TILE_DEGREES)}:${Math.floor(location.lon / TILE_DEGREES)}`;
const openKey = (category: string, tile: string): string => `${category}@${tile}`;

/** Metres per degree of latitude (and of longitude at the equator), on the mean Earth sphere. */
const METERS_PER_DEGREE = 111_195;

/**
 * The `open_by_tile` keys to read for a report of `category` at `location`: the tiles that the
 * square of half-side `radiusMeters` around it touches — most often its own tile alone, at most
 * four for radii under half a tile. The square holds the search circle, so no candidate is missed.
 */
export function openKeysAround(
  category: string,
  location: { lat: number; lon: number },
  radiusMeters = DUPLICATE_SEARCH_RADIUS_METERS,
): string[] {
  // A metre's margin: the distance check uses the haversine, this box a flat degree per latitude.
  const reach = Math.min(radiusMeters, DUPLICATE_SEARCH_RADIUS_METERS) + 1;
  const dLat = reach / METERS_PER_DEGREE;
  const dLon = reach / (METERS_PER_DEGREE * Math.cos(((Math.abs(location.lat) + dLat) * Math.PI) / 180));
  const rows = [Math.floor((location.lat - dLat) / TILE_DEGREES), Math.floor((location.lat + dLat) / TILE_DEGREES)] as const;
  const cols = [Math.floor((location.lon - dLon) / TILE_DEGREES), Math.floor((location.lon + dLon) / TILE_DEGREES)] as const;
  const keys: string[] = [];
  for (let y = rows[0]; y <= rows[1]; y++) for (let x = cols[0]; x <= cols[1]; x++) keys.push(openKey(category, `${y}:${x}`));
  return keys;
}

export const indexModels = (m: ReadModels) => ({
  open: m.model<OpenInTile>('open_by_tile'),
  membership: m.model<Membership>('membership'),
  byDay: m.model<DayIndex>('by_day'),
});

export const toOpenReport = (category: string, e: OpenEntry): OpenReport => ({
  reportId: e.r,
  caseId: e.c,
  category,
  location: { lat: e.lat, lon: e.lon },
  receivedAt: e.t,
});

/** The calendar day of an instant in China (UTC+8, no DST). */
export const shanghaiDay = (instant: string): string => toShanghaiIso(Date.parse(instant)).slice(0, 10);

/** Builds the projection; entries older than `keepHours` are pruned (the widest duplicate window). */
export function reportIndexProjection(keepHours: number): Projection {
  const keepMs = keepHours * 3_600_000;
  return {
    name: REPORT_INDEX_PROJECTION,
    handles: ['intake.report.received.v1', 'intake.report.filed.v1', 'intake.report.case_linked.v1', 'intake.report.closed.v1'],
    async apply(recorded: LoggedEvent | RecordedEvent, models: ReadModels) {
      if (recorded.position === null) throw new Error(`${REPORT_INDEX_PROJECTION} is fed by the log only`);
      const event = reportEventMapping.fromRecorded(recorded) as ReportEvent | null;
      if (event === null) return;
      const guard = { position: recorded.position };
      const { open, membership, byDay } = indexModels(models);
      switch (event.type) {
        case 'intake.report.received.v1': {
          const day = shanghaiDay(event.data.receivedAt);
          await byDay.upsert(day, guard, (d) => ({ day, reports: [...(d?.reports ?? []), event.data.reportId] }));
          return;
        }
        case 'intake.report.filed.v1': {
          const d = event.data;
          const cutoff = Date.parse(d.filedAt) - keepMs;
          const tile = tileOf(d.location);
          await membership.upsert(d.reportId, guard, () => ({ category: d.category.code, tile }));
          await open.upsert(openKey(d.category.code, tile), guard, (doc) => ({
            category: d.category.code,
            tile,
            open: [
              ...(doc?.open ?? []).filter((x) => x.r !== d.reportId && Date.parse(x.t) >= cutoff),
              { r: d.reportId, c: null, lat: d.location.lat, lon: d.location.lon, t: d.filedAt },
            ],
          }));
          return;
        }
        case 'intake.report.case_linked.v1':
        case 'intake.report.closed.v1': {
          const reportId = event.data.reportId;
          const m = await membership.get(reportId);
          if (!m) return; // never filed (a merged duplicate closing): not in any list
          const caseId = event.data.caseId;
          const closing = event.type === 'intake.report.closed.v1';
          await open.upsert(openKey(m.category, m.tile), guard, (doc) => ({
            category: m.category,
            tile: m.tile,
            open: (doc?.open ?? []).flatMap((x) => (x.r !== reportId ? [x] : closing ? [] : [{ ...x, c: caseId }])),
          }));
          return;
        }
        default:
          return;
      }
    },
  };
}
