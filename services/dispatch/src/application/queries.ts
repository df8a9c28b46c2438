import { fold, ForbiddenError, NotFoundError, ValidationError, type EventStore, type ReadModels } from '@yiwang/kernel-core';
import {
  aggregateCounters,
  buildRankingTable,
  caseStreamId,
  CaseId,
  evaluateIndicators,
  caseDecider,
  Instant,
  openedWithin,
  type Actor,
  type CaseEvent,
  type IndicatorConfig,
  type IndicatorValue,
  type RankingTable,
  type ResponsibilityMatrix,
} from '../domain';
import { type Clock } from '@yiwang/kernel-core';
import { caseEventMapping } from './case-service';
import { MODELS, type BucketDoc } from './projections/case-lists';
import { CENTRE, shanghaiMonth, summarize, type CaseSummary } from './projections/case-summary';
import { countersAsOf, dayStartMs, INDICATOR_MODELS, weekKey, weekStartDay, type StoredCounterRow, type WeekDoc } from './projections/case-indicators';

export type Dimension = 'unit' | 'district' | 'category';
export type HistoryEntry = Readonly<{ version: number; type: string; occurredAt: string; actor: { subject: string; department?: string }; data: unknown }>;
export type IndicatorRow = Readonly<{ key: string; name: string; indicators: Record<string, IndicatorValue> }>;

/** Who sees everything: the centres, their inspectors and the system. */
const CENTRE_ROLES = ['centre.command', 'centre.supervision', 'inspector', 'system'];
export const isCentre = (actor: Actor): boolean => actor.roles.some((r) => CENTRE_ROLES.includes(r));

const WEEK_MS = 7 * 86_400_000;
const MAX_WEEKS = 60;

export interface QueryDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly matrix: ResponsibilityMatrix;
  readonly indicators: IndicatorConfig;
  readonly caseModels: () => Promise<ReadModels>;
  readonly indicatorModels: () => Promise<ReadModels>;
  /** Intake report rows (received / filed / rejected …) of the weeks starting on these days. */
  readonly reportRows?: (weekStartDays: readonly number[]) => Promise<StoredCounterRow[]>;
}

/** The read side: a case from its stream, lists from buckets, indicators and rankings from week rows. */
export class DispatchQueries {
  constructor(private readonly deps: QueryDeps) {}

  /** The case and its full history, straight from its event stream (always current). */
  async getCase(rawCaseId: string, actor: Actor): Promise<{ summary: CaseSummary; history: HistoryEntry[] }> {
    const caseId = CaseId(rawCaseId);
    const { version, events } = await this.deps.store.readStream(caseStreamId(caseId));
    const caseEvents = events.map(caseEventMapping.fromRecorded).filter((e): e is CaseEvent => e !== null);
    const state = fold(caseDecider, caseDecider.initialState(), caseEvents);
    if (state.status === 'none') throw new NotFoundError(`no case ${caseId}`, { caseId });
    // A unit sees the cases that were ever dispatched to it, nothing else.
    const units = new Set(caseEvents.flatMap((e) => (e.type === 'dispatch.case.dispatched.v1' ? [e.data.unitId as string] : [])));
    if (!isCentre(actor) && !units.has(actor.department)) throw new ForbiddenError(`case ${caseId} was never dispatched to ${actor.department}`, { caseId });
    return {
      summary: summarize(state, version),
      history: events.map((e) => ({ version: e.streamVersion, type: e.type, occurredAt: e.occurredAt.toISOString(), actor: e.actor, data: e.data })),
    };
  }

  /**
   * A unit's cases (`centre`: those awaiting dispatch; `*`: every unit, centre roles only). Open
   * cases come first by deadline; `status: closed` lists the last 12 months, newest first.
   */
  async listCases(
    actor: Actor,
    request: { unitId?: string; status?: string; overdueOnly?: boolean; pageSize?: number; pageToken?: string },
  ): Promise<{ cases: CaseSummary[]; nextPageToken: string }> {
    const unit = request.unitId || (isCentre(actor) ? CENTRE : actor.department);
    if (!isCentre(actor) && unit !== actor.department) throw new ForbiddenError(`${actor.subject} may list only the cases of ${actor.department}`, { unit });
    const units = unit === '*' ? [CENTRE, ...this.deps.matrix.units.keys()] : [unit];
    const size = Math.min(Math.max(request.pageSize || 50, 1), 200);
    const offset = request.pageToken ? Number(Buffer.from(request.pageToken, 'base64url').toString('utf8')) : 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ValidationError('bad page token', [{ field: 'pageToken', message: 'not from a previous response' }]);
    const models = await this.deps.caseModels();
    const buckets = models.model<BucketDoc>(MODELS.buckets);
    const keys = request.status === 'closed' ? units.flatMap((u) => this.lastMonths(12).map((m) => `closed:${u}:${m}`)) : units.map((u) => `open:${u}`);
    const docs = await Promise.all(keys.map((k) => buckets.get(k)));
    let cases = docs.flatMap((d) => d?.cases ?? []);
    if (request.status) cases = cases.filter((c) => c.status === request.status);
    if (request.overdueOnly) cases = cases.filter((c) => c.overdue);
    cases.sort((a, b) =>
      request.status === 'closed' ? (b.closedAt ?? '').localeCompare(a.closedAt ?? '') : Date.parse(a.deadline ?? a.openedAt) - Date.parse(b.deadline ?? b.openedAt) || a.caseId.localeCompare(b.caseId),
    );
    const page = cases.slice(offset, offset + size);
    const next = offset + size < cases.length ? Buffer.from(String(offset + size), 'utf8').toString('base64url') : '';
    return { cases: page, nextPageToken: next };
  }

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
    const models = await this.deps.indicatorModels();
    const weeks = models.model<WeekDoc>(INDICATOR_MODELS.weeks);
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
    const models = await this.deps.indicatorModels();
    const weeks = models.model<WeekDoc>(INDICATOR_MODELS.weeks);
    const days: number[] = [];
    for (let d = weekStartDay(fromMs); dayStartMs(d) < toMs; d += 7) days.push(d);
    const [docs, reports] = await Promise.all([Promise.all(days.map((d) => weeks.get(weekKey(d)))), this.reportRows(days)]);
    return [...docs.flatMap((d) => d?.rows ?? []), ...reports];
  }

  private lastMonths(n: number): string[] {
    const now = this.deps.clock.now();
    const months: string[] = [];
    let [y, m] = shanghaiMonth(now.toISOString()).split('-').map(Number) as [number, number];
    for (let i = 0; i < n; i++) {
      months.push(`${y}-${String(m).padStart(2, '0')}`);
      m -= 1;
      if (m === 0) {
        m = 12;
        y -= 1;
      }
    }
    return months;
  }
}
