import { authed, type Principal } from '@yiwang/platform';
import { ForbiddenError, ValidationError, type HandleResult } from '@yiwang/kernel-core';
import * as api from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { Roles, seesAllSquads, type Actor, type CaseState, type EnforcementCommand } from '../../domain';
import { caseIdForDispatchCase, type CommandContext, type EnforcementCases } from '../../application/case-service';
import { type EnforcementQueries } from '../../application/queries';
import { toCaseView } from './proto-mapping';

export interface EnforcementGrpcDeps {
  readonly cases: EnforcementCases;
  readonly queries: EnforcementQueries;
}

/** The caller as the decider sees it: whatever the verified token says, nothing from the request. */
const actorOf = (p: Principal): Actor => ({ subject: p.subject, department: p.department, roles: [...p.roles] });

type CommandRequest = { readonly caseId: string; readonly expectedVersion?: number | undefined; readonly commandId: string };
type Build<Req> = (req: Req, actor: Actor, ctx: CommandContext) => EnforcementCommand;

const response = (caseId: string, r: HandleResult<CaseState>): api.CaseCommandResponse => ({
  caseId,
  version: r.version,
  status: r.state.status,
  eventTypes: r.events.map((e) => e.type),
  replayed: r.replayed,
});

/** proto3 has no null: an absent optional message arrives undefined, an absent string empty. */
const orNull = <T>(v: T | undefined): T | null => v ?? null;

/**
 * `yiwang.enforcement.v1.EnforcementService`. Each command method turns the request into a domain
 * command with the caller as actor and the service clock's time; the decider authorises and
 * validates, the platform maps its errors to statuses.
 */
export function enforcementGrpcService(deps: EnforcementGrpcDeps) {
  const { cases, queries } = deps;

  const run = async (
    caseId: string,
    actor: Actor,
    build: (ctx: CommandContext) => EnforcementCommand,
    options: { expectedVersion?: number | undefined; commandId?: string | undefined },
  ) => {
    if (options.expectedVersion !== undefined && (!Number.isSafeInteger(options.expectedVersion) || options.expectedVersion < 0)) {
      throw new ValidationError('expected_version must be a non-negative integer', [
        { field: 'expectedVersion', message: String(options.expectedVersion) },
      ]);
    }
    return response(
      caseId,
      await cases.execute(caseId, build, { actor, expectedVersion: options.expectedVersion, commandId: options.commandId || undefined }),
    );
  };

  const command = <Req extends CommandRequest>(build: Build<Req>) =>
    authed<Req, api.CaseCommandResponse>(async (req, principal) => {
      const actor = actorOf(principal);
      return run(req.caseId, actor, (ctx) => build(req, actor, ctx), req);
    });

  const c = <T extends EnforcementCommand['type']>(type: T, actor: Actor, data: object): EnforcementCommand =>
    ({ type, actor, data }) as unknown as EnforcementCommand;

  const implementation: api.EnforcementServiceServer = {
    registerSource: authed(async (r: api.RegisterSourceRequest, principal) => {
      const actor = actorOf(principal);
      const caseId = r.caseId || cases.newCaseId();
      return run(
        caseId,
        actor,
        ({ at }) =>
          c('RegisterSource', actor, {
            caseId,
            squadId: r.squadId || actor.department,
            district: r.district,
            source: r.source ?? {},
            party: orNull(r.party),
            at,
          }),
        { commandId: r.commandId },
      );
    }),
    acceptDispatchHandover: authed(async (r: api.AcceptDispatchHandoverRequest, principal) => {
      const actor = actorOf(principal);
      const caseId = caseIdForDispatchCase(r.dispatchCaseId);
      const source = {
        kind: 'dispatch_case',
        ref: r.dispatchCaseId,
        description: r.description,
        location: r.location,
        category: r.category,
      };
      // One hand-over per dispatch case: a repeated request answers with the first result.
      return run(
        caseId,
        actor,
        ({ at }) =>
          c('RegisterSource', actor, { caseId, squadId: actor.department, district: r.district, source, party: orNull(r.party), at }),
        { commandId: `handover:${r.dispatchCaseId}` },
      );
    }),
    identifyParty: command((r: api.IdentifyPartyRequest, a, { at }) => c('IdentifyParty', a, { party: r.party ?? {}, at })),
    extendLeadCheck: command((r: api.ExtendLeadCheckRequest, a, { at }) => c('ExtendLeadCheck', a, { reason: r.reason, at })),
    recordInvestigation: command((r: api.RecordInvestigationRequest, a, { at }) =>
      c('RecordInvestigation', a, {
        actId: r.commandId || `act-${at}`.replace(/[^A-Za-z0-9_.:-]/g, ''),
        kind: r.kind,
        officers: r.officers,
        notes: r.notes,
        evidence: r.evidence,
        at,
      }),
    ),
    preserveEvidence: command((r: api.PreserveEvidenceRequest, a, { at }) =>
      c('PreserveEvidence', a, { preservationId: r.preservationId, items: r.items, officers: r.officers, at }),
    ),
    decidePreservation: command((r: api.DecidePreservationRequest, a, { at }) =>
      c('DecidePreservation', a, { preservationId: r.preservationId, disposition: r.disposition, note: r.note, at }),
    ),
    fileCase: command((r: api.FileCaseRequest, a, { at }) => c('FileCase', a, { cause: r.cause, flags: r.flags, at })),
    decideNotToFile: command((r: api.DecideNotToFileRequest, a, { at }) => c('DecideNotToFile', a, { reason: r.reason, at })),
    recordLegalReview: command((r: api.RecordLegalReviewRequest, a, { at }) =>
      c('RecordLegalReview', a, { outcome: r.outcome, opinion: r.opinion, at }),
    ),
    issuePriorNotice: command((r: api.IssuePriorNoticeRequest, a, { at }) =>
      c('IssuePriorNotice', a, { facts: r.facts, grounds: r.grounds, intended: r.intended ?? {}, at }),
    ),
    recordStatement: command((r: api.RecordStatementRequest, a, { at }) =>
      c('RecordStatement', a, { summary: r.summary, waivesHearing: r.waivesHearing, at }),
    ),
    requestHearing: command((_r: api.RequestHearingRequest, a, { at }) => c('RequestHearing', a, { at })),
    scheduleHearing: command((r: api.ScheduleHearingRequest, a, { at }) =>
      c('ScheduleHearing', a, { hearingAt: r.hearingAt, place: r.place, at }),
    ),
    recordHearing: command((r: api.RecordHearingRequest, a, { at }) => c('RecordHearing', a, { record: r.record, at })),
    extendDecisionLimit: command((r: api.ExtendDecisionLimitRequest, a, { at }) =>
      c('ExtendDecisionLimit', a, { reason: r.reason, extraDays: r.extraDays, at }),
    ),
    decide: command((r: api.DecideRequest, a, { at }) =>
      c('Decide', a, { outcome: r.outcome, penalty: orNull(r.penalty), reasons: r.reasons, at }),
    ),
    decideOnTheSpot: authed(async (r: api.DecideOnTheSpotRequest, principal) => {
      const actor = actorOf(principal);
      const caseId = r.caseId || cases.newCaseId();
      const data = {
        caseId,
        squadId: r.squadId || actor.department,
        district: r.district,
        source: r.source ?? {},
        party: r.party ?? {},
        penalty: r.penalty ?? {},
        officers: r.officers,
        facts: r.facts,
      };
      return run(caseId, actor, ({ at }) => c('DecideOnTheSpot', actor, { ...data, at }), { commandId: r.commandId });
    }),
    recordServiceConsent: command((r: api.RecordServiceConsentRequest, a, { at }) =>
      c('RecordServiceConsent', a, { channel: r.channel, at }),
    ),
    serveDecision: command((r: api.ServeDecisionRequest, a, { at }) => c('ServeDecision', a, { method: r.method, at })),
    recordPayment: command((r: api.RecordPaymentRequest, a, { at }) =>
      c('RecordPayment', a, { amountFen: r.amountFen, receipt: r.receipt, at }),
    ),
    demandPayment: command((_r: api.DemandPaymentRequest, a, { at }) => c('DemandPayment', a, { at })),
    applyToCourt: command((r: api.ApplyToCourtRequest, a, { at }) => c('ApplyToCourt', a, { court: r.court, at })),
    recordCourtRuling: command((r: api.RecordCourtRulingRequest, a, { at }) =>
      c('RecordCourtRuling', a, { ruling: r.ruling, note: r.note, at }),
    ),
    publishDecision: command((_r: api.PublishDecisionRequest, a, { at }) => c('PublishDecision', a, { at })),
    revokeDecision: command((r: api.RevokeDecisionRequest, a, { at }) => c('RevokeDecision', a, { reason: r.reason, at })),
    withdrawPublication: command((_r: api.WithdrawPublicationRequest, a, { at }) => c('WithdrawPublication', a, { at })),
    closeCase: command((r: api.CloseCaseRequest, a, { at }) => c('CloseCase', a, { result: r.result, at })),
    archiveCase: command((_r: api.ArchiveCaseRequest, a, { at }) => c('ArchiveCase', a, { at })),
    erasePersonalData: command((_r: api.ErasePersonalDataRequest, a, { at }) => c('ErasePersonalData', a, { at })),
    orderStopConstruction: command((r: api.OrderStopConstructionRequest, a, { at }) =>
      c('OrderStopConstruction', a, { order: r.order, at }),
    ),
    announceDemolition: command((r: api.AnnounceDemolitionRequest, a, { at }) =>
      c('AnnounceDemolition', a, { periodDays: r.periodDays, notice: r.notice, at }),
    ),
    demandDemolition: command((_r: api.DemandDemolitionRequest, a, { at }) => c('DemandDemolition', a, { at })),
    decideForcedDemolition: command((r: api.DecideForcedDemolitionRequest, a, { at }) =>
      c('DecideForcedDemolition', a, { reasons: r.reasons, at }),
    ),
    scheduleDemolition: command((r: api.ScheduleDemolitionRequest, a, { at }) =>
      c('ScheduleDemolition', a, { demolitionAt: r.demolitionAt, executor: r.executor, at }),
    ),
    recordDemolition: command((r: api.RecordDemolitionRequest, a, { at }) => c('RecordDemolition', a, { by: r.by, note: r.note, at })),
    listCases: authed(async (r: api.ListCasesRequest, principal) =>
      queries.listCases(actorOf(principal), { squadId: r.squadId, status: r.status, pageSize: r.pageSize, pageToken: r.pageToken }),
    ),
    getIndicators: authed(async (r: api.GetIndicatorsRequest, principal) => {
      const actor = actorOf(principal);
      // Rankings compare squads: the bureau and the centre's roles read them, not a single squad.
      if (!seesAllSquads(actor) && !actor.roles.includes(Roles.approver))
        throw new ForbiddenError('indicators are read by squad heads and bureau-wide roles', { subject: actor.subject });
      const table = await queries.indicators(r.period, r.scope, r.rankBy);
      const num = (v: number | null) => v ?? -1;
      return {
        ...table,
        rows: table.rows.map((row) => ({
          ...row,
          averageDaysToDecision: num(row.averageDaysToDecision),
          rate: num(row.rate),
          rank: row.rank ?? 0,
          previousRate: num(row.previousRate),
          previousRank: row.previousRank ?? 0,
          change: row.change ?? 0,
        })),
      };
    }),
    getCase: authed(async (r: api.GetCaseRequest, principal) => {
      const { view, history } = await queries.getCase(r.caseId, actorOf(principal));
      return {
        case: toCaseView(view),
        history: history.map((h) => ({
          version: h.version,
          type: h.type,
          occurredAt: h.occurredAt,
          actorSubject: h.actor.subject,
          actorDepartment: h.actor.department ?? '',
        })),
      };
    }),
  };
  return { definition: api.EnforcementServiceService, implementation };
}
