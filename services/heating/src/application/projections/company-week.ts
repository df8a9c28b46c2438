import { type ReadModels } from '@yiwang/kernel-core';
import { weekStartDay } from '@yiwang/working-time';
import { type CityConfig, type ComplaintEvent, type ComplaintState, type PointEvent } from '../../domain';
import { countEvent, emptySeason, type CompanySeasonDoc } from './company-season';

/** A company's week (Monday 00:00 to Monday 00:00, Shanghai): the season's counters over the events of that week. */
export type CompanyWeekDoc = CompanySeasonDoc & { week: string; pointsWithFinding: string[] };

export const weekDocId = (week: string, companyId: string): string => `week:${week}:${companyId}`;
const DAY_MS = 86_400_000;
/** `2026-11-30`: the Monday of the week an instant falls in. */
export const weekOf = (ms: number): string => new Date(weekStartDay(ms) * DAY_MS).toISOString().slice(0, 10);

/** When an event happened in the domain (its own time field, not when it was stored), so a replay lands in the same week. */
const TIME_FIELDS = [
  'receivedAt',
  'acknowledgedAt',
  'measuredAt',
  'orderedAt',
  'foundAt',
  'reportedAt',
  'restoredAt',
  'computedAt',
  'approvedAt',
  'closedAt',
  'markedAt',
  'supervisedAt',
  'erasedAt',
  'raisedAt',
  'backAt',
] as const;
export function eventTimeMs(event: ComplaintEvent | PointEvent): number | null {
  const data = event.data as Record<string, unknown>;
  for (const f of TIME_FIELDS) if (typeof data[f] === 'string') return Date.parse(data[f]);
  return null;
}

/** Each touched (company, week) document once per log batch, position guarded like the season. */
export async function applyWeeks(
  items: ReadonlyArray<{ companyId: string; event: ComplaintEvent | PointEvent; before: ComplaintState | null }>,
  position: number,
  models: ReadModels,
): Promise<void> {
  const byDoc = new Map<string, { week: string; companyId: string; items: typeof items }>();
  for (const item of items) {
    const ms = eventTimeMs(item.event);
    if (ms === null) continue;
    const week = weekOf(ms);
    const id = weekDocId(week, item.companyId);
    const cur = byDoc.get(id) ?? { week, companyId: item.companyId, items: [] };
    byDoc.set(id, { ...cur, items: [...cur.items, item] });
  }
  const weeks = models.model<CompanyWeekDoc>('company_weeks');
  for (const [id, { week, companyId, items: list }] of byDoc) {
    await weeks.upsert(id, { position }, (cur) =>
      list.reduce<CompanyWeekDoc>(
        (doc, { event, before }) => {
          const counted = { ...countEvent(doc, event, before), week, pointsWithFinding: doc.pointsWithFinding };
          if (event.type === 'heating.point.finding_raised.v1' && !counted.pointsWithFinding.includes(event.data.pointId))
            counted.pointsWithFinding = [...counted.pointsWithFinding, event.data.pointId];
          return { ...counted, refunds: [] }; // the week keeps totals; the household lines are the season's
        },
        cur ?? { ...emptySeason(`week:${week}`, companyId), week, pointsWithFinding: [] },
      ),
    );
  }
}

export type RankingRow = Readonly<{
  rank: number;
  /** Places gained since the week before (positive = up), null when it had no row then. */
  change: number | null;
  companyId: string;
  nameZh: string;
  households: number;
  complaints: number;
  complaintsPer10k: number;
  measuredOnTimePercent: number;
  fixedOnTimePercent: number;
  substandardDays: number;
  refundsDueCents: number;
  pointsCompliantPercent: number;
}>;

const percent = (part: number, whole: number): number => (whole === 0 ? 100 : Math.round((part * 1000) / whole) / 10);

/**
 * The weekly company ranking (供热企业周排名), as the seed's tables: fewest complaints per 10,000
 * households first, then the larger share measured on time, then fixed on time; `change` against
 * the previous week's ranking computed the same way. Pure: the documents in, the rows out.
 */
export function rankCompanies(
  city: CityConfig,
  week: ReadonlyMap<string, CompanyWeekDoc>,
  previous: ReadonlyMap<string, CompanyWeekDoc> | null,
): RankingRow[] {
  const rows = (docs: ReadonlyMap<string, CompanyWeekDoc>) =>
    city.companies
      .map((c) => {
        const compounds = c.compounds.map((id) => city.compounds.get(id)!).filter(Boolean);
        const households = compounds.reduce((n, x) => n + x.households, 0);
        const points = compounds.reduce((n, x) => n + x.monitoringPoints, 0);
        const d = docs.get(c.id) ?? { ...emptySeason('', c.id), week: '', pointsWithFinding: [] };
        return {
          companyId: c.id,
          nameZh: c.nameZh,
          households,
          complaints: d.complaints,
          complaintsPer10k: households === 0 ? 0 : Math.round((d.complaints * 1_000_000) / households) / 100,
          measuredOnTimePercent: percent(d.measuredOnTime, d.measured),
          fixedOnTimePercent: percent(d.fixedOnTime, d.fixes),
          substandardDays: d.substandardDays,
          refundsDueCents: d.refundsDueCents,
          pointsCompliantPercent: percent(points - d.pointsWithFinding.length, points),
        };
      })
      .sort(
        (a, b) =>
          a.complaintsPer10k - b.complaintsPer10k ||
          b.measuredOnTimePercent - a.measuredOnTimePercent ||
          b.fixedOnTimePercent - a.fixedOnTimePercent ||
          a.companyId.localeCompare(b.companyId),
      )
      .map((r, i) => ({ ...r, rank: i + 1 }));
  const before = previous ? new Map(rows(previous).map((r) => [r.companyId, r.rank])) : null;
  return rows(week).map((r) => {
    const was = before?.get(r.companyId);
    return { ...r, change: was === undefined || (previous?.size ?? 0) === 0 ? null : was - r.rank };
  });
}
