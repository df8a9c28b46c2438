import { type CaseEvent } from '../case/case-events';
import { caseTimeline, countBy, lastBy, type CaseTimeline } from './case-timeline';

/**
 * Counters of one case at a moment, derived from its events alone (a projection and a replay
 * agree by construction). Every counter is evaluated from the events that had happened by that
 * moment (see case-timeline.ts): a case closed after a period ended is not closed in that period.
 * Indicators count cases by these flags (data/indicators.json states each rate's population).
 */
export const CASE_COUNTERS = [
  'dispatched', // 派遣数
  'due', // 应结案数: closed, or its deadline in force has passed at the moment
  'suspended', // 缓办/挂账 among the due
  'handled', // 处置数 (handling reported)
  'handledOnTime', // 按期处置数 (the last handling report within the deadline then in force)
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

/** The intake counters (see report-counters.ts), known here so formulas can be checked. */
export const REPORT_COUNTERS = ['received', 'filed', 'autoFiled', 'rejected', 'duplicate'] as const;
export const KNOWN_COUNTERS: readonly string[] = [...CASE_COUNTERS, ...REPORT_COUNTERS];

export type Counters = Readonly<Record<string, number>>;
/** A case (or report) at a moment: its dimensions then and its counters then. */
export type CounterRow = Readonly<{
  caseId: string;
  unitId: string | null;
  district: string;
  category: string;
  openedAt: string;
  counters: Counters;
}>;

/**
 * A case as the indicator read model stores it: fixed dimensions and the instants of its facts.
 * `unitId` is the unit holding it last (for display); the unit it counts for at a moment is the
 * one it was last dispatched to by then.
 */
export type CaseRow = Readonly<{
  caseId: string;
  unitId: string | null;
  district: string;
  category: string;
  openedAt: string;
  timeline: CaseTimeline;
}>;

/** The stored row of a case from its events (in stream order); null before it was opened. */
export function caseRow(events: readonly CaseEvent[]): CaseRow | null {
  const { state, timeline } = caseTimeline(events);
  if (state.status === 'none') return null;
  const unitId = timeline.dispatches.at(-1)?.unitId ?? null;
  return { caseId: state.caseId, unitId, district: state.district, category: state.category, openedAt: state.openedAt, timeline };
}

/**
 * The case's counters at `asOfMs` (the end of the evaluated period, or now if earlier). The case
 * counts for the unit it was last dispatched to by then: a returned case counts for the unit that
 * returned it until it is re-dispatched, as the evaluation rules of most cities do.
 */
export function caseRowAsOf(row: CaseRow, asOfMs: number): CounterRow {
  const { phases, dispatches, handlings, facts } = row.timeline;
  const phase = lastBy(phases, (p) => p.from, asOfMs);
  const closed = phase?.phase === 'closed';
  const due = closed || ((phase?.phase === 'held' || phase?.phase === 'suspended') && phase.deadline <= asOfMs);
  const lastHandling = lastBy(handlings, (h) => h.at, asOfMs);
  const has = (instants: readonly number[]) => (countBy(instants, asOfMs) > 0 ? 1 : 0);
  const c: Record<CaseCounterName, number> = {
    dispatched: has(dispatches.map((d) => d.at)),
    due: due ? 1 : 0,
    suspended: due && phase?.phase === 'suspended' ? 1 : 0,
    handled: lastHandling ? 1 : 0,
    handledOnTime: lastHandling?.onTime ? 1 : 0,
    verified: has(facts.verified),
    reworked: has(facts.reworked),
    closed: closed ? 1 : 0,
    closedOnTime: closed && phase.onTime ? 1 : 0,
    extended: has(facts.extended),
    overdue: has(facts.overdue),
    returned: countBy(facts.returned, asOfMs),
    supervised: countBy(facts.supervised, asOfMs),
    reopened: countBy(facts.reopened, asOfMs),
  };
  const unitId = lastBy(dispatches, (d) => d.at, asOfMs)?.unitId ?? null;
  return { caseId: row.caseId, unitId, district: row.district, category: row.category, openedAt: row.openedAt, counters: c };
}

/** Counters of a case as of `asOf`, from the events recorded up to then; null if not opened. */
export function caseCounters(events: readonly CaseEvent[], asOf: string): CounterRow | null {
  const row = caseRow(events);
  return row && caseRowAsOf(row, Date.parse(asOf));
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
