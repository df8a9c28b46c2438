import { ValidationError, type Clock } from '@yiwang/kernel-core';
import { aggregateCounters, buildRankingTable, evaluateIndicators, Instant, openedWithin, type IndicatorConfig, type IndicatorValue, type RankingTable, type ResponsibilityMatrix } from '../domain';
import { countersAsOf, dayStartMs, weekKey, weekStartDay, type StoredCounterRow, type WeekDoc } from './projections/case-indicators';

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

/**
 * Indicators and ranking tables from week documents of counter rows. The same code answers the
 * live gRPC/HTTP queries and the analysts' replays (which pass an in-memory {@link WeekSource}),
 * so the two cannot drift apart.
 */
export class IndicatorQueries {
  constructor(private readonly deps: IndicatorQueryDeps) {}

  /** Indicators per unit / district / category over cases opened in [from, to) (default: this week). */
  async indicators(dimension: Dimension, fromRaw?: string, toRaw?: string): Promise<{ from: string; to: string; rows: IndicatorRow[]; total: Record<string, IndicatorValue> }> {
    const nowMs = this.deps.clock.now().getTime();
    const fromMs = fromRaw ? Date.parse(Instant(fromRaw, 'from')) : dayStartMs(weekStartDay(nowMs));
    const toMs = toRaw ? Date.parse(Instant(toRaw, 'to')) : fromMs + WEEK_MS;
    if (toMs <= fromMs) throw new ValidationError('to must be after from', [{ field: 'to', message: 'not after from' }]);
    if (toMs - fromMs > MAX_WEEKS * WEEK_MS) throw new ValidationError(`a period of at most ${MAX_WEEKS} weeks`, [{ field: 'to', message: 'period too long' }]);
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const rows = (await this.rowsBetween(fromMs, toMs)).map((r) => countersAsOf(r, Math.min(nowMs, toMs)));
    const groups = aggregateCounters(rows, (r) => this.keyOf(dimension, r), openedWithin(from, to));
    const { indicators } = this.deps;
    const result = [...groups].map(([key, counters]) => ({ key, name: this.nameOf(dimension, key), indicators: evaluateIndicators(indicators, counters) }));
    result.sort((a, b) => a.key.localeCompare(b.key));
    const all = aggregateCounters(rows, () => 'total', openedWithin(from, to)).get('total') ?? {};
    return { from, to, rows: result, total: evaluateIndicators(indicators, all) };
  }

  /** The ranking table of one indicator for the week of `weekOf`, with the change since the week before. */
  async ranking(indicatorId: string, dimension: Exclude<Dimension, 'category'>, weekOf?: string): Promise<{ weekStart: string; table: RankingTable }> {
    const def = this.deps.indicators.get(indicatorId);
    if (!def) throw new ValidationError(`unknown indicator ${indicatorId}`, [{ field: 'indicatorId', message: `one of ${[...this.deps.indicators.keys()].join(', ')}` }]);
    const nowMs = this.deps.clock.now().getTime();
    const day = weekStartDay(weekOf ? Date.parse(Instant(weekOf, 'weekOf')) : nowMs);
    const weeks = await this.deps.weeks();
    const [current, previous, currentReports, previousReports] = await Promise.all([
      weeks.get(weekKey(day)),
      weeks.get(weekKey(day - 7)),
      this.reportRows([day]),
      this.reportRows([day - 7]),
    ]);
    const inputs = (doc: WeekDoc | null, reports: StoredCounterRow[], endMs: number) => {
      const rows = [...(doc?.rows ?? []), ...reports];
      const groups = aggregateCounters(rows.map((r) => countersAsOf(r, Math.min(nowMs, endMs))), (r) => this.keyOf(dimension, r));
      const keys = dimension === 'unit' ? [...this.deps.matrix.units.keys()] : [...this.deps.matrix.districts];
      for (const k of groups.keys()) if (!keys.includes(k)) keys.push(k);
      return keys.map((key) => ({ key, name: this.nameOf(dimension, key), counters: groups.get(key) ?? {} }));
    };
    const start = dayStartMs(day);
    const table = buildRankingTable(def, inputs(current, currentReports, start + WEEK_MS), inputs(previous, previousReports, start));
    return { weekStart: new Date(start).toISOString(), table };
  }

  private keyOf(dimension: Dimension, row: StoredCounterRow): string | null {
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
