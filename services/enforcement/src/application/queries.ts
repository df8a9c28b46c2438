import { ForbiddenError, NotFoundError, ValidationError, type Clock, type ReadModels } from '@yiwang/kernel-core';
import { type PersonalDataVault } from '@yiwang/kernel-mongodb';
import {
  amountDue,
  EnforcementCaseId,
  INDICATOR_SCOPES,
  missedKey,
  nextDeadline,
  oneOf,
  previousPeriod,
  RANK_BY,
  rankIndicators,
  runningDeadlines,
  seesAllSquads,
  STATUSES,
  toMillis,
  type Actor,
  type EnforcementCase,
  type EnforcementPolicy,
  type IndicatorDoc,
  type RankBy,
  type RankedRow,
} from '../domain';
import { openParty } from './personal-data';
import { MODELS, type CaseDoc, type HistoryEntry, type PublicEntry, type PublicListDoc } from './projections/case-view';

export type DeadlineView = Readonly<{ kind: string; deadline: string; overdue: boolean; marked: boolean }>;
export type CaseView = Readonly<{
  caseId: string;
  status: string;
  squadId: string;
  district: string;
  sourceKind: string;
  sourceRef: string;
  cause: string;
  party: Readonly<Record<string, string | null>> | null;
  personalDataErased: boolean;
  filedAt: string | null;
  decisionDeadline: string | null;
  outcome: string | null;
  fineFen: number;
  surchargeFen: number;
  amountDueFen: number;
  deadlines: readonly DeadlineView[];
  publicationStatus: string;
  version: number;
}>;

export type CaseSummary = Readonly<{
  caseId: string;
  status: string;
  squadId: string;
  district: string;
  sourceKind: string;
  sourceRef: string;
  cause: string;
  nextDeadlineKind: string;
  nextDeadline: string;
  overdue: boolean;
  fineFen: number;
  version: number;
}>;
export type CaseListQuery = Readonly<{ squadId?: string; status?: string; pageSize?: number; pageToken?: string }>;
export type IndicatorTable = Readonly<{ period: string; previousPeriod: string; scope: string; rankBy: RankBy; rows: RankedRow[] }>;

export interface QueryDeps {
  readonly clock: Clock;
  readonly policy: EnforcementPolicy;
  readonly vault: PersonalDataVault;
  readonly models: () => Promise<ReadModels>;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function publicationStatus(s: EnforcementCase): string {
  const p = s.publication;
  if (!p) return 'none';
  if (p.withdrawnAt) return 'withdrawn';
  if (p.withdrawalDueAt) return 'withdrawal_due';
  return p.publishedAt ? 'published' : 'due';
}

/** The read side: one document by `_id` per question; nothing replays a stream. */
export class EnforcementQueries {
  constructor(private readonly deps: QueryDeps) {}

  /** A case from its read model; the squad and bureau-wide roles only; the party unsealed for them. */
  async getCase(rawCaseId: string, actor: Actor): Promise<{ view: CaseView; history: HistoryEntry[] }> {
    const caseId = EnforcementCaseId(rawCaseId);
    const doc = await (await this.deps.models()).model<CaseDoc>(MODELS.cases).get(caseId);
    if (!doc || doc.state.status === 'none') throw new NotFoundError(`no enforcement case ${caseId}`, { caseId });
    const s = doc.state;
    if (!seesAllSquads(actor) && actor.department !== s.squadId)
      throw new ForbiddenError(`case ${caseId} belongs to ${s.squadId}`, { caseId });
    const nowMs = this.deps.clock.now().getTime();
    const owed = amountDue(s, nowMs, this.deps.policy);
    const view: CaseView = {
      caseId: s.caseId,
      status: s.status,
      squadId: s.squadId,
      district: s.district,
      sourceKind: s.source.kind,
      sourceRef: s.source.ref,
      cause: s.cause,
      party: s.erased
        ? s.party
          ? { type: s.party.type, publicName: s.party.publicName }
          : null
        : await openParty(this.deps.vault, s.caseId, s.party),
      personalDataErased: s.erased,
      filedAt: s.filedAt,
      decisionDeadline: s.decisionDeadline,
      outcome: s.decision?.outcome ?? null,
      fineFen: owed.fineFen,
      surchargeFen: s.paidAt ? 0 : owed.surchargeFen,
      amountDueFen: s.paidAt || !s.service?.paymentDeadline ? 0 : owed.totalFen,
      deadlines: runningDeadlines(s).map((d) => ({
        kind: d.kind,
        deadline: d.deadline,
        overdue: toMillis(d.deadline) < nowMs,
        marked: s.missed.includes(missedKey(d.kind, d.deadline)),
      })),
      publicationStatus: publicationStatus(s),
      version: doc.version,
    };
    return { view, history: doc.history };
  }

  /** 双公示: one published decision, as anyone may see it (withdrawn ones say so, with no content). */
  async publication(rawCaseId: string): Promise<PublicEntry | { caseId: string; withdrawnAt: string }> {
    const caseId = EnforcementCaseId(rawCaseId);
    const entry = await (await this.deps.models()).model<PublicEntry>(MODELS.publications).get(caseId);
    if (!entry) throw new NotFoundError(`no published decision ${caseId}`, { caseId });
    return entry.withdrawnAt ? { caseId, withdrawnAt: entry.withdrawnAt } : entry;
  }

  /** 双公示: the decisions published in a month (Asia/Shanghai), withdrawn ones removed. */
  async publicationsOf(month: string): Promise<PublicEntry[]> {
    if (!MONTH.test(month)) throw new ValidationError('month must be YYYY-MM', [{ field: 'month', message: month }]);
    const doc = await (await this.deps.models()).model<PublicListDoc>(MODELS.publicLists).get(month);
    return [...(doc?.entries ?? [])].sort((a, b) => toMillis(a.publishedAt) - toMillis(b.publishedAt));
  }

  /**
   * Cases of a squad by status, paged by case id, each with its next legal deadline. A squad's
   * members see only their squad; bureau-wide roles any squad, or all when none is named.
   */
  async listCases(actor: Actor, q: CaseListQuery): Promise<{ cases: CaseSummary[]; nextPageToken: string }> {
    const all = seesAllSquads(actor);
    const squad = q.squadId || (all ? '' : actor.department);
    if (!all && squad !== actor.department)
      throw new ForbiddenError(`${actor.subject} sees the cases of ${actor.department} only`, { squadId: squad });
    const status = q.status ? oneOf(q.status, STATUSES, 'status') : '';
    const size = q.pageSize ?? 0;
    if (!Number.isInteger(size) || size < 0 || size > 200)
      throw new ValidationError('page_size is 1 to 200 (0: 50)', [{ field: 'pageSize', message: String(size) }]);
    const limit = size || 50;
    const filter: Record<string, unknown> = {};
    if (squad) filter['state.squadId'] = squad;
    if (status) filter['state.status'] = status;
    if (q.pageToken) filter['_id'] = { $gt: EnforcementCaseId(q.pageToken, 'pageToken') };
    const docs = await (await this.deps.models()).model<CaseDoc>(MODELS.cases).find(filter, { sort: { _id: 1 }, limit: limit + 1 });
    const nowMs = this.deps.clock.now().getTime();
    const cases = docs.slice(0, limit).flatMap((doc): CaseSummary[] => {
      const s = doc.state;
      if (s.status === 'none') return [];
      const next = nextDeadline(s);
      return [
        {
          caseId: s.caseId,
          status: s.status,
          squadId: s.squadId,
          district: s.district,
          sourceKind: s.source.kind,
          sourceRef: s.source.ref,
          cause: s.cause || s.source.description,
          nextDeadlineKind: next?.kind ?? '',
          nextDeadline: next?.deadline ?? '',
          overdue: runningDeadlines(s).some((d) => toMillis(d.deadline) < nowMs),
          fineFen: s.decision?.penalty?.fineFen ?? 0,
          version: doc.version,
        },
      ];
    });
    return { cases, nextPageToken: docs.length > limit ? (cases.at(-1)?.caseId ?? '') : '' };
  }

  /** A period's table per squad or district, ranked, against the previous period: two reads by `_id`. */
  async indicators(period: string, scope = 'squad', rankBy = 'collection_rate'): Promise<IndicatorTable> {
    return indicatorTable(await this.deps.models(), period, scope, rankBy);
  }
}

/**
 * The ranked table of a period from the `indicators` read model — the live one, or one the
 * analysts' CLI rebuilt in memory from a replay — so both answer with the same rule.
 */
export async function indicatorTable(
  models: ReadModels,
  period: string,
  scope = 'squad',
  rankBy = 'collection_rate',
): Promise<IndicatorTable> {
  const sc = oneOf(scope || 'squad', INDICATOR_SCOPES, 'scope');
  const by = oneOf(rankBy || 'collection_rate', RANK_BY, 'rankBy');
  const previous = previousPeriod(period);
  const tables = models.model<IndicatorDoc>(MODELS.indicators);
  const [now, before] = await Promise.all([tables.get(period), tables.get(previous)]);
  return { period, previousPeriod: previous, scope: sc, rankBy: by, rows: rankIndicators(now?.[sc] ?? [], before?.[sc] ?? [], by) };
}
