import { ValidationError } from '@yiwang/kernel-core';
import { DAY_MS, SHANGHAI_OFFSET_MS, isoDateOf, localDayIndex, weekStartDay } from '@yiwang/working-time';
import { type EnforcementEvent } from '../case/events';
import { type EnforcementCase } from '../case/state';
import { toMillis } from '../shared/values';

/**
 * The indicators of the issue, per squad and per district and per month and ISO week: counts and
 * sums only, so a period's table is one document and rates are computed when it is read.
 */
export type Tally = {
  sources: number;
  filed: number;
  notFiled: number;
  decided: number;
  decidedOnTime: number;
  /** Sum over ordinary decisions of (decided − filed) in days; the average divides by `decided − onTheSpot`. */
  daysToDecision: number;
  onTheSpot: number;
  hearings: number;
  finesDecidedFen: number;
  finesCollectedFen: number;
  surchargeCollectedFen: number;
  courtApplications: number;
  published: number;
  publishedOnTime: number;
  demolitions: number;
};
export type TallyRow = Tally & { key: string };
/** One period's tables, squads and districts together (`_id` = the period): one write per period and batch. */
export type IndicatorDoc = { period: string; squad: TallyRow[]; district: TallyRow[] };

export const INDICATOR_SCOPES = ['squad', 'district'] as const;
export type IndicatorScope = (typeof INDICATOR_SCOPES)[number];
export const RANK_BY = ['collection_rate', 'decided_on_time_rate', 'publication_on_time_rate'] as const;
export type RankBy = (typeof RANK_BY)[number];

export const emptyTally = (): Tally => ({
  sources: 0,
  filed: 0,
  notFiled: 0,
  decided: 0,
  decidedOnTime: 0,
  daysToDecision: 0,
  onTheSpot: 0,
  hearings: 0,
  finesDecidedFen: 0,
  finesCollectedFen: 0,
  surchargeCollectedFen: 0,
  courtApplications: 0,
  published: 0,
  publishedOnTime: 0,
  demolitions: 0,
});

/**
 * What one event adds to its case's squad and district, given the case after it, and the business
 * instant that places it in a period (the step's own time, not when it was stored); null: nothing.
 */
export function tallyDelta(event: EnforcementEvent, s: EnforcementCase): { at: string; delta: Partial<Tally> } | null {
  switch (event.type) {
    case 'enforcement.case.source_registered.v1':
      return { at: event.data.receivedAt, delta: { sources: 1 } };
    case 'enforcement.case.filed.v1':
      return { at: event.data.filedAt, delta: { filed: 1 } };
    case 'enforcement.case.not_filed.v1':
      return { at: event.data.at, delta: { notFiled: 1 } };
    case 'enforcement.case.hearing_held.v1':
      return { at: event.data.heldAt, delta: { hearings: 1 } };
    case 'enforcement.case.decided.v1': {
      const d = event.data;
      const filedMs = s.filedAt ? toMillis(s.filedAt) : toMillis(d.decidedAt);
      const onTime = s.decisionDeadline ? toMillis(d.decidedAt) <= toMillis(s.decisionDeadline) : true;
      const delta = {
        decided: 1,
        decidedOnTime: onTime ? 1 : 0,
        daysToDecision: (toMillis(d.decidedAt) - filedMs) / DAY_MS,
        finesDecidedFen: d.penalty?.fineFen ?? 0,
      };
      return { at: d.decidedAt, delta };
    }
    case 'enforcement.case.decided_on_the_spot.v1': {
      const delta = { sources: 1, decided: 1, decidedOnTime: 1, onTheSpot: 1, finesDecidedFen: event.data.penalty.fineFen };
      return { at: event.data.decidedAt, delta };
    }
    case 'enforcement.case.payment_recorded.v1':
      return { at: event.data.paidAt, delta: { finesCollectedFen: event.data.fineFen, surchargeCollectedFen: event.data.surchargeFen } };
    case 'enforcement.case.court_enforcement_applied.v1':
      return { at: event.data.appliedAt, delta: { courtApplications: 1 } };
    case 'enforcement.case.decision_published.v1':
      return { at: event.data.publishedAt, delta: { published: 1, publishedOnTime: event.data.onTime ? 1 : 0 } };
    case 'enforcement.case.demolished.v1':
      return { at: event.data.at, delta: { demolitions: 1 } };
    default:
      return null;
  }
}

export function addTally(into: Tally, delta: Partial<Tally>): Tally {
  const out = { ...into };
  for (const [k, v] of Object.entries(delta) as Array<[keyof Tally, number]>) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** ISO week `2026-W49` of a local day (the year is the Thursday's). */
function isoWeekOf(ms: number): string {
  const monday = weekStartDay(ms);
  const thursday = isoDateOf(monday + 3);
  const year = Number(thursday.slice(0, 4));
  const jan1 = localDayIndex(Date.UTC(year, 0, 1) - SHANGHAI_OFFSET_MS);
  return `${year}-W${String(Math.floor((monday + 3 - jan1) / 7) + 1).padStart(2, '0')}`;
}

/** The month and the ISO week an instant falls in, Asia/Shanghai. */
export function periodsOf(instant: string | Date): { month: string; week: string } {
  const ms = typeof instant === 'string' ? toMillis(instant) : instant.getTime();
  return { month: isoDateOf(localDayIndex(ms)).slice(0, 7), week: isoWeekOf(ms) };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const WEEK = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

/** The period before `period` (the previous month or ISO week), for the change column (环比). */
export function previousPeriod(period: string): string {
  const m = MONTH.exec(period);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
  }
  const w = WEEK.exec(period);
  if (w) {
    // The Monday of ISO week 1 is the Monday of the week holding 4 January.
    const jan4 = Date.UTC(Number(w[1]), 0, 4, 12) - SHANGHAI_OFFSET_MS;
    const mondayMs = (weekStartDay(jan4) + (Number(w[2]) - 1) * 7) * DAY_MS - SHANGHAI_OFFSET_MS;
    return isoWeekOf(mondayMs - 7 * DAY_MS + 12 * 3_600_000);
  }
  throw new ValidationError('period must be a month (2026-12) or an ISO week (2026-W49)', [{ field: 'period', message: period }]);
}

export type RankedRow = TallyRow & {
  averageDaysToDecision: number | null;
  rate: number | null;
  rank: number | null;
  previousRate: number | null;
  previousRank: number | null;
  change: number | null;
};

export function rateOf(t: Tally, by: RankBy): number | null {
  const [num, den] =
    by === 'collection_rate'
      ? [t.finesCollectedFen, t.finesDecidedFen]
      : by === 'decided_on_time_rate'
        ? [t.decidedOnTime, t.decided]
        : [t.publishedOnTime, t.published];
  return den > 0 ? num / den : null;
}

/** Ties share a rank (1, 1, 3), compared at 0.01 % as the published tables show them. */
function ranks(rows: ReadonlyArray<{ key: string; rate: number | null }>): Map<string, number> {
  const r = (x: number) => Math.round(x * 10_000);
  const rated = rows.filter((x): x is { key: string; rate: number } => x.rate !== null);
  return new Map(rated.map((x) => [x.key, rated.filter((o) => r(o.rate) > r(x.rate)).length + 1]));
}

/** A ranking table (排名表) of a period against the previous one: rate, rank, previous rank, change. */
export function rankIndicators(current: readonly TallyRow[], previous: readonly TallyRow[], by: RankBy): RankedRow[] {
  const now = current.map((row) => ({ key: row.key, rate: rateOf(row, by) }));
  const before = previous.map((row) => ({ key: row.key, rate: rateOf(row, by) }));
  const rankNow = ranks(now);
  const rankBefore = ranks(before);
  const prevRate = new Map(before.map((x) => [x.key, x.rate]));
  const rows = current.map((row, i): RankedRow => {
    const rate = now[i]!.rate;
    const previousRate = prevRate.get(row.key) ?? null;
    const ordinary = row.decided - row.onTheSpot;
    return {
      ...row,
      averageDaysToDecision: ordinary > 0 ? row.daysToDecision / ordinary : null,
      rate,
      rank: rankNow.get(row.key) ?? null,
      previousRate,
      previousRank: rankBefore.get(row.key) ?? null,
      change: rate !== null && previousRate !== null ? rate - previousRate : null,
    };
  });
  return rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.key.localeCompare(b.key));
}
