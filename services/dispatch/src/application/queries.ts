import {
  fold,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type EventStore,
  type ReadModel,
  type ReadModels,
} from '@yiwang/kernel-core';
import { caseStreamId, CaseId, caseDecider, type Actor, type CaseEvent, type IndicatorConfig, type ResponsibilityMatrix } from '../domain';
import type { Clock } from '@yiwang/kernel-core';
import { caseEventMapping } from './case-service';
import { IndicatorQueries, type Dimension } from './indicator-queries';
import { MODELS, type BucketDoc, type CaseDoc, type HistoryEntry } from './projections/case-lists';
import { CENTRE, shanghaiMonth, summarize, type CaseSummary } from './projections/case-summary';
import { INDICATOR_MODELS, type StoredCounterRow, type WeekDoc } from './projections/case-indicators';

export type { HistoryEntry };

/** How long a read waits for the projector to reach a version its caller knows was written. */
const FRESHNESS_WAIT_MS = 3_000;
/** Cases whose last command in this process the read model may not have yet (oldest forgotten first). */
const WRITTEN_REMEMBERED = 10_000;

/** Who sees everything: the centres, their inspectors and the system. */
const CENTRE_ROLES = ['centre.command', 'centre.supervision', 'inspector', 'system'];
export const isCentre = (actor: Actor): boolean => actor.roles.some((r) => CENTRE_ROLES.includes(r));

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

/** The read side: a case from its document, lists from buckets, indicators and rankings from week rows. */
export class DispatchQueries {
  private readonly indicatorQueries: IndicatorQueries;
  /** Case id → the version a command of this process left it at, until the read model shows it. */
  private readonly written = new Map<string, number>();

  constructor(private readonly deps: QueryDeps) {
    this.indicatorQueries = new IndicatorQueries({
      clock: deps.clock,
      matrix: deps.matrix,
      indicators: deps.indicators,
      weeks: async () => (await deps.indicatorModels()).model<WeekDoc>(INDICATOR_MODELS.weeks),
      ...(deps.reportRows ? { reportRows: deps.reportRows } : {}),
    });
  }

  /**
   * The case and its full history from its read-model document: one `_id` lookup. The document
   * follows the log, so it may be a moment behind a command; a caller who knows a version (the
   * reply of its command carries it) passes `minVersion`, and commands of this process are
   * remembered per case, so the read waits briefly for the projector (then reads the stream) instead
   * of showing an older view.
   */
  async getCase(
    rawCaseId: string,
    actor: Actor,
    options: { minVersion?: number } = {},
  ): Promise<{ summary: CaseSummary; history: readonly HistoryEntry[] }> {
    const caseId = CaseId(rawCaseId);
    const cases = (await this.deps.caseModels()).model<CaseDoc>(MODELS.cases);
    const written = this.written.get(caseId) ?? 0;
    const floor = Math.max(options.minVersion ?? 0, written);
    let doc = await cases.get(caseId);
    if ((doc?.version ?? 0) < floor) doc = await this.waitForVersion(cases, caseId, floor, doc);
    if (written > 0 && (doc?.version ?? 0) >= written) this.written.delete(caseId);
    // Still behind a version the caller knows exists (a projector far behind, under load): the
    // stream answers, slower but never older than what the caller already did.
    if ((doc?.version ?? 0) < floor) return this.fromStream(caseId, actor);
    if (!doc || doc.state.status === 'none') throw new NotFoundError(`no case ${caseId}`, { caseId });
    if (!doc.history || !doc.units) return this.fromStream(caseId, actor);
    // A unit sees the cases that were ever dispatched to it, nothing else.
    if (!isCentre(actor) && !doc.units.includes(actor.department))
      throw new ForbiddenError(`case ${caseId} was never dispatched to ${actor.department}`, { caseId });
    return { summary: summarize(doc.state, doc.version), history: doc.history };
  }

  /** A command of this process left the case at `version`: reads of it wait until the read model has it. */
  noteWritten(rawCaseId: string, version: number): void {
    if ((this.written.get(rawCaseId) ?? 0) >= version) return;
    this.written.delete(rawCaseId); // re-inserted last: the oldest entry is the first to go
    this.written.set(rawCaseId, version);
    if (this.written.size > WRITTEN_REMEMBERED) this.written.delete(this.written.keys().next().value as string);
  }

  /** Reads the document by `_id` again, backing off, until it has `version` or the wait is over. */
  private async waitForVersion(cases: ReadModel<CaseDoc>, caseId: string, version: number, doc: CaseDoc | null): Promise<CaseDoc | null> {
    const giveUpAt = Date.now() + FRESHNESS_WAIT_MS;
    for (let pause = 5; (doc?.version ?? 0) < version && Date.now() < giveUpAt; pause = Math.min(pause * 2, 100)) {
      await new Promise((r) => setTimeout(r, pause));
      doc = await cases.get(caseId, { maxAgeMs: 0 });
    }
    return doc;
  }

  /** For a case document written before documents kept their history (until a rebuild). */
  private async fromStream(caseId: CaseId, actor: Actor): Promise<{ summary: CaseSummary; history: HistoryEntry[] }> {
    const { version, events } = await this.deps.store.readStream(caseStreamId(caseId));
    const caseEvents = events.map(caseEventMapping.fromRecorded).filter((e): e is CaseEvent => e !== null);
    const state = fold(caseDecider, caseDecider.initialState(), caseEvents);
    if (state.status === 'none') throw new NotFoundError(`no case ${caseId}`, { caseId });
    const units = new Set(caseEvents.flatMap((e) => (e.type === 'dispatch.case.dispatched.v1' ? [e.data.unitId as string] : [])));
    if (!isCentre(actor) && !units.has(actor.department))
      throw new ForbiddenError(`case ${caseId} was never dispatched to ${actor.department}`, { caseId });
    return {
      summary: summarize(state, version),
      history: events.map((e) => ({
        version: e.streamVersion,
        type: e.type,
        occurredAt: e.occurredAt.toISOString(),
        actor: e.actor,
        data: e.data,
      })),
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
    if (!isCentre(actor) && unit !== actor.department)
      throw new ForbiddenError(`${actor.subject} may list only the cases of ${actor.department}`, { unit });
    const units = unit === '*' ? [CENTRE, ...this.deps.matrix.units.keys()] : [unit];
    const size = Math.min(Math.max(request.pageSize || 50, 1), 200);
    const offset = request.pageToken ? Number(Buffer.from(request.pageToken, 'base64url').toString('utf8')) : 0;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new ValidationError('bad page token', [{ field: 'pageToken', message: 'not from a previous response' }]);
    const models = await this.deps.caseModels();
    const buckets = models.model<BucketDoc>(MODELS.buckets);
    const keys =
      request.status === 'closed'
        ? units.flatMap((u) => this.lastMonths(12).map((m) => `closed:${u}:${m}`))
        : units.map((u) => `open:${u}`);
    const docs = await Promise.all(keys.map((k) => buckets.get(k)));
    let cases = docs.flatMap((d) => d?.cases ?? []);
    if (request.status) cases = cases.filter((c) => c.status === request.status);
    if (request.overdueOnly) cases = cases.filter((c) => c.overdue);
    cases.sort((a, b) =>
      request.status === 'closed'
        ? (b.closedAt ?? '').localeCompare(a.closedAt ?? '')
        : Date.parse(a.deadline ?? a.openedAt) - Date.parse(b.deadline ?? b.openedAt) || a.caseId.localeCompare(b.caseId),
    );
    const page = cases.slice(offset, offset + size);
    const next = offset + size < cases.length ? Buffer.from(String(offset + size), 'utf8').toString('base64url') : '';
    return { cases: page, nextPageToken: next };
  }

  /** Indicators per unit / district / category over cases opened in [from, to) (default: this week). */
  indicators(dimension: Dimension, fromRaw?: string, toRaw?: string): ReturnType<IndicatorQueries['indicators']> {
    return this.indicatorQueries.indicators(dimension, fromRaw, toRaw);
  }

  /** The ranking table of one indicator for the week of `weekOf`, with the change since the week before. */
  ranking(indicatorId: string, dimension: Exclude<Dimension, 'category'>, weekOf?: string): ReturnType<IndicatorQueries['ranking']> {
    return this.indicatorQueries.ranking(indicatorId, dimension, weekOf);
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
