import { fold } from '@yiwang/kernel-core';
import { caseDecider } from '../case/case-decider';
import { type CaseEvent } from '../case/case-events';

/**
 * Counters of one case, derived from its events alone (a projection and a replay agree by
 * construction). Indicators are ratios of sums of these over units, districts, categories and
 * periods; the formulas live in data/indicators.json.
 */
export const CASE_COUNTERS = [
  'dispatched', // 派遣数
  'due', // 应结案数: closed, or its deadline has passed at `asOf`
  'suspended', // 缓办/挂账 among the due
  'handled', // 处置数 (handling reported)
  'handledOnTime', // 按期处置数 (the last handling report within the deadline in force)
  'verified', // 核查数
  'reworked', // 返工数 (at least one failed verification)
  'closed', // 结案数
  'closedOnTime', // 按期结案数
  'extended', // 延期数
  'overdue', // 超期数 (marked overdue at least once)
  'returned', // 退回次数
  'supervised', // 督办次数
  'reopened', // 重新开启次数
] as const;
export type CaseCounterName = (typeof CASE_COUNTERS)[number];

/** The intake counters (see intake's reportCounters), known here so formulas can be checked. */
export const REPORT_COUNTERS = ['received', 'filed', 'autoFiled', 'rejected', 'duplicate'] as const;
export const KNOWN_COUNTERS: readonly string[] = [...CASE_COUNTERS, ...REPORT_COUNTERS];

export type Counters = Readonly<Record<string, number>>;
/** One row of the indicator projection: a case with its dimensions and counters. */
export type CounterRow = Readonly<{ caseId: string; unitId: string | null; district: string; category: string; openedAt: string; counters: Counters }>;

/**
 * Counters of a case as of `asOf` (the end of the evaluated period), from the events recorded up
 * to then. The case is counted for the unit holding it last: a returned case counts for the unit
 * it was re-dispatched to, as the evaluation rules of most cities do.
 */
export function caseCounters(events: readonly CaseEvent[], asOf: string): CounterRow | null {
  const state = fold(caseDecider, caseDecider.initialState(), events);
  if (state.status === 'none') return null;
  const has = (type: CaseEvent['type']) => events.some((e) => e.type === type);
  const count = (type: CaseEvent['type']) => events.filter((e) => e.type === type).length;
  const lastHandling = [...events].reverse().find((e) => e.type === 'dispatch.case.handling_reported.v1');
  const closed = state.status === 'closed';
  const due = closed || ('deadline' in state && Date.parse(state.deadline) <= Date.parse(asOf));
  const c: Record<CaseCounterName, number> = {
    dispatched: has('dispatch.case.dispatched.v1') ? 1 : 0,
    due: due ? 1 : 0,
    suspended: due && state.status === 'suspended' ? 1 : 0,
    handled: lastHandling ? 1 : 0,
    handledOnTime: lastHandling?.type === 'dispatch.case.handling_reported.v1' && lastHandling.data.onTime ? 1 : 0,
    verified: has('dispatch.case.verified.v1') ? 1 : 0,
    reworked: has('dispatch.case.rework_ordered.v1') ? 1 : 0,
    closed: closed ? 1 : 0,
    closedOnTime: closed && state.closedOnTime ? 1 : 0,
    extended: has('dispatch.case.extension_approved.v1') ? 1 : 0,
    overdue: has('dispatch.case.overdue_marked.v1') ? 1 : 0,
    returned: count('dispatch.case.return_approved.v1'),
    supervised: count('dispatch.case.supervised.v1'),
    reopened: count('dispatch.case.reopened.v1'),
  };
  const unitId = 'unitId' in state ? state.unitId : state.previousUnitId;
  return { caseId: state.caseId, unitId, district: state.district, category: state.category, openedAt: state.openedAt, counters: c };
}

/** Sums counters of the rows that pass `filter`, grouped by `key` (unit, district, category …). */
export function aggregateCounters<Row extends { counters: Counters }>(
  rows: readonly Row[],
  key: (row: Row) => string | null,
  filter: (row: Row) => boolean = () => true,
): Map<string, Record<string, number>> {
  const groups = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const k = key(row);
    if (k === null || !filter(row)) continue;
    const sum = groups.get(k) ?? {};
    for (const [name, n] of Object.entries(row.counters)) sum[name] = (sum[name] ?? 0) + n;
    groups.set(k, sum);
  }
  return groups;
}

/** Rows opened in `[from, to)`: the usual period attribution (by dispatch date). */
export const openedWithin = (from: string, to: string) => (row: { openedAt: string }) =>
  Date.parse(row.openedAt) >= Date.parse(from) && Date.parse(row.openedAt) < Date.parse(to);
