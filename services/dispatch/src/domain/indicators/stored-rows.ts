import { isoDateOf } from '@yiwang/working-time';
import { caseRowAsOf, type CaseRow, type CounterRow } from './case-counters';
import { reportCountersAsOf, type ReportCounterRow } from './report-counters';

/**
 * A row of a week document of the indicator read model (pure, so the queries, the projection and
 * the analysts' replay share it). A case row (`caseRow`) holds the instants of the case's facts,
 * so every counter is evaluated for the moment asked ({@link countersAsOf}). Intake reports come
 * shaped alike (`status: 'report'`, their decisions' instants in `since`). A case row written
 * before the instants were kept (`status`/`deadline`, no timeline) is read as it was: rebuild the
 * projection (`yiwang rebuild --projection dispatch_indicators`) to evaluate it for any moment.
 */
export type StoredCounterRow =
  CaseRow | (CounterRow & Readonly<{ status: string; deadline: string | null; since?: ReportCounterRow['since'] }>);
/** All cases opened in one week (Monday 00:00 Shanghai): read by `_id`, summed in memory. */
export type WeekDoc = { weekStart: string; rows: StoredCounterRow[] };

export const weekKey = (day: number): string => `week:${isoDateOf(day)}`;

/** A stored row's dimensions and counters as of `asOfMs` (the end of the evaluated period, or now if earlier). */
export function countersAsOf(row: StoredCounterRow, asOfMs: number): CounterRow {
  if ('timeline' in row) return caseRowAsOf(row, asOfMs);
  const { caseId, unitId, district, category, openedAt } = row;
  if (row.status === 'report') {
    return {
      caseId,
      unitId,
      district,
      category,
      openedAt,
      counters: reportCountersAsOf({ counters: row.counters as ReportCounterRow['counters'], since: row.since }, asOfMs),
    };
  }
  // A case row without its timeline: only `due` and `suspended` can be evaluated for the moment.
  const due = row.status === 'closed' || (row.deadline !== null && Date.parse(row.deadline) <= asOfMs);
  return {
    caseId,
    unitId,
    district,
    category,
    openedAt,
    counters: { ...row.counters, due: due ? 1 : 0, suspended: due && row.status === 'suspended' ? 1 : 0 },
  };
}

/** An intake report's row shaped like a case row (no unit; opened = received), as week queries read it. */
export const storedReportRow = (r: ReportCounterRow): StoredCounterRow => ({
  caseId: `report:${r.reportId}`,
  unitId: null,
  district: r.district ?? '',
  category: r.category,
  openedAt: r.receivedAt,
  counters: r.counters,
  status: 'report',
  deadline: null,
  ...(r.since ? { since: r.since } : {}),
});
