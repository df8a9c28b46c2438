import { ValidationError, type Clock } from '@yiwang/kernel-core';
import {
  buildRankingTable,
  countersAsOf,
  dayStartMs,
  evaluateTallies,
  Instant,
  tallyOf,
  tallyRow,
  weekKey,
  weekStartDay,
  type CounterRow,
  type IndicatorConfig,
  type IndicatorValue,
  type RankingTable,
  type ResponsibilityMatrix,
  type StoredCounterRow,
  type WeekDoc,
} from '../domain';

export type Dimension = 'unit' | 'district' | 'category';
export type IndicatorRow = Readonly<{ key: string; name: string; indicators: Record<string, IndicatorValue> }>;

/** Where the week documents of case counters come from: the live read model, or a replay's map. */
export interface WeekSource {
  get(id: string): Promise<WeekDoc | null>;
}

export interface IndicatorQueryDeps {
  readonly clock: Clock;
  readonly matrix: ResponsibilityMatrix;
  readonly indicators: IndicatorConfig;
  readonly weeks: () => Promise<WeekSource>;
  /** Intake report rows (received / filed / rejected …) of the weeks starting on these days. */
  readonly reportRows?: (weekStartDays: readonly number[]) => Promise<StoredCounterRow[]>;
}

const WEEK_MS = 7 * 86_400_000;
const MAX_WEEKS = 60;

/** Tallies (see `tallyRow`) per key of a dimension, and of the whole period. */
type PeriodTallies = { groups: Map<string, Record<string, number>>; total: Record<string, number> };

/**
 * Indicators and ranking tables from week documents of counter rows. The same code answers the
 * live gRPC/HTTP queries and the analysts' replays (which pass an in-memory {@link WeekSource}),
 * so the two cannot drift apart. Both calls evaluate a period the same way ({@link tallies}):
 * rows opened (received) in it, their counters as of its end (or now, if earlier), so a past
 * period's figures are frozen and GetIndicators and GetRanking give one total for it.
 */
export class IndicatorQueries {
  constructor(private readonly deps: IndicatorQueryDeps) {}

  /** Indicators per unit / district / category over cases opened in [from, to) (default: this week). */
  async indicators(
    dimension: Dimension,
    fromRaw?: string,
    toRaw?: string,
  ): Promise<{ from: string; to: string; rows: IndicatorRow[]; total: Record<string, IndicatorValue> }> {
    const nowMs = this.deps.clock.now().getTime();
    const fromMs = fromRaw ? Date.parse(Instant(fromRaw, 'from')) : dayStartMs(weekStartDay(nowMs));
    const toMs = toRaw ? Date.parse(Instant(toRaw, 'to')) : fromMs + WEEK_MS;
    if (toMs <= fromMs) throw new ValidationError('to must be after from', [{ field: 'to', message: 'not after from' }]);
    if (toMs - fromMs > MAX_WEEKS * WEEK_MS)
      throw new ValidationError(`a period of at most ${MAX_WEEKS} weeks`, [{ field: 'to', message: 'period too long' }]);
    const { groups, total } = await this.tallies(dimension, fromMs, toMs, nowMs);
    const { indicators } = this.deps;
    const rows = [...groups].map(([key, tallies]) => ({
      key,
      name: this.nameOf(dimension, key),
      indicators: evaluateTallies(indicators, tallies),
    }));
    rows.sort((a, b) => a.key.localeCompare(b.key));
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), rows, total: evaluateTallies(indicators, total) };
  }

  /**
   * The ranking table of one indicator for the week of `weekOf`, with the change since the week
   * before: last week as of last week's end, whatever happened to its cases since.
   */
  async ranking(
    indicatorId: string,
    dimension: Exclude<Dimension, 'category'>,
    weekOf?: string,
  ): Promise<{ weekStart: string; table: RankingTable }> {
    const def = this.deps.indicators.get(indicatorId);
    if (!def)
      throw new ValidationError(`unknown indicator ${indicatorId}`, [
        { field: 'indicatorId', message: `one of ${[...this.deps.indicators.keys()].join(', ')}` },
      ]);
    const nowMs = this.deps.clock.now().getTime();
    const start = dayStartMs(weekStartDay(weekOf ? Date.parse(Instant(weekOf, 'weekOf')) : nowMs));
    const [current, previous] = await Promise.all([
      this.tallies(dimension, start, start + WEEK_MS, nowMs),
      this.tallies(dimension, start - WEEK_MS, start, nowMs),
    ]);
    const inputs = ({ groups }: PeriodTallies) => {
      const keys = dimension === 'unit' ? [...this.deps.matrix.units.keys()] : [...this.deps.matrix.districts];
      for (const k of groups.keys()) if (!keys.includes(k)) keys.push(k);
      return keys.map((key) => ({ key, name: this.nameOf(dimension, key), tally: tallyOf(def, groups.get(key) ?? {}) }));
    };
    const table = buildRankingTable(def, inputs(current), inputs(previous), { total: tallyOf(def, current.total) });
    return { weekStart: new Date(start).toISOString(), table };
  }

  /**
   * The one evaluation of a period [fromMs, toMs): its rows' counters as of min(now, toMs), their
   * tallies per key of the dimension, and the total over every row of the period (including rows
   * no key owns: reports have no unit, an off-grid report not filed no district).
   */
  private async tallies(dimension: Dimension, fromMs: number, toMs: number, nowMs: number): Promise<PeriodTallies> {
    const asOfMs = Math.min(nowMs, toMs);
    const groups = new Map<string, Record<string, number>>();
    const total: Record<string, number> = {};
    const add = (sum: Record<string, number>, tallies: Record<string, number>) => {
      for (const [k, n] of Object.entries(tallies)) sum[k] = (sum[k] ?? 0) + n;
    };
    for (const stored of await this.rowsBetween(fromMs, toMs)) {
      const opened = Date.parse(stored.openedAt);
      if (!(opened >= fromMs && opened < toMs)) continue;
      const row = countersAsOf(stored, asOfMs);
      const tallies = tallyRow(this.deps.indicators, row.counters);
      add(total, tallies);
      const key = this.keyOf(dimension, row);
      if (key === null) continue;
      const sum = groups.get(key) ?? {};
      add(sum, tallies);
      groups.set(key, sum);
    }
    return { groups, total };
  }

  private keyOf(dimension: Dimension, row: CounterRow): string | null {
    const key = dimension === 'unit' ? row.unitId : dimension === 'district' ? row.district : row.category;
    return key === '' ? null : key; // an off-grid report not filed has no district
  }

  private reportRows(days: readonly number[]): Promise<StoredCounterRow[]> {
    return this.deps.reportRows ? this.deps.reportRows(days) : Promise.resolve([]);
  }

  private nameOf(dimension: Dimension, key: string): string {
    return dimension === 'unit' ? (this.deps.matrix.units.get(key)?.name.zh ?? key) : key;
  }

  private async rowsBetween(fromMs: number, toMs: number): Promise<StoredCounterRow[]> {
    const weeks = await this.deps.weeks();
    const days: number[] = [];
    for (let d = weekStartDay(fromMs); dayStartMs(d) < toMs; d += 7) days.push(d);
    const [docs, reports] = await Promise.all([Promise.all(days.map((d) => weeks.get(weekKey(d)))), this.reportRows(days)]);
    return [...docs.flatMap((d) => d?.rows ?? []), ...reports];
  }
}
