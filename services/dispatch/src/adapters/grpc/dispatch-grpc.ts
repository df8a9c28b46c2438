import { authed, type Principal } from '@yiwang/platform';
import { ValidationError } from '@yiwang/kernel-core';
import {
  DispatchServiceService,
  type CaseCommandResponse,
  type DispatchServiceServer,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { caseStreamId, type Actor, type CaseCommand, type ReturnReason, type Instant } from '../../domain';
import { type CaseService, type CommandContext } from '../../application/case-service';
import { type DispatchQueries } from '../../application/queries';
import { type IndicatorConfig } from '../../domain';
import {
  dimensionOf,
  outcomeOf,
  toCaseSummary,
  toCommandResponse,
  toHistoryEntry,
  toIndicatorRow,
  toIndicatorValues,
  toRankingResponse,
} from './proto-mapping';

export interface DispatchGrpcDeps {
  readonly cases: CaseService;
  readonly queries: DispatchQueries;
  readonly indicators: IndicatorConfig;
}

/** The caller as the decider sees it: whatever the verified token says, nothing from the request. */
const actorOf = (p: Principal): Actor => ({ subject: p.subject, department: p.department, roles: [...p.roles] });

type CommandRequest = { readonly caseId: string; readonly expectedVersion?: number | undefined; readonly commandId: string };

/**
 * `yiwang.dispatch.v1.DispatchService`. Each command method turns the request into a domain
 * command with the caller as actor and the service clock's time; the decider authorises and
 * validates, and the platform maps its errors to statuses (FORBIDDEN → PERMISSION_DENIED,
 * CONCURRENCY → ABORTED, VALIDATION → INVALID_ARGUMENT, ILLEGAL_STATE → FAILED_PRECONDITION).
 */
export function dispatchGrpcService(deps: DispatchGrpcDeps) {
  const { cases, queries, indicators } = deps;

  const command = <Req extends CommandRequest>(
    build: (req: Req, actor: Actor, ctx: CommandContext) => CaseCommand | Promise<CaseCommand>,
  ) =>
    authed<Req, CaseCommandResponse>(async (req, principal) => {
      const actor = actorOf(principal);
      if (req.expectedVersion !== undefined && (!Number.isSafeInteger(req.expectedVersion) || req.expectedVersion < 0)) {
        throw new ValidationError('expected_version must be a non-negative integer', [
          { field: 'expectedVersion', message: String(req.expectedVersion) },
        ]);
      }
      const result = await cases.execute(req.caseId, (ctx) => build(req, actor, ctx), {
        actor,
        expectedVersion: req.expectedVersion,
        commandId: req.commandId || undefined,
      });
      // This process's next reads of the case wait for the read model to show this version.
      queries.noteWritten(req.caseId, result.version);
      return toCommandResponse(req.caseId, result);
    });

  const deadlineOr = async (given: string, ctx: CommandContext): Promise<Instant> =>
    given ? (given as Instant) : cases.defaultDeadline(ctx.caseId, ctx.at);

  const implementation: DispatchServiceServer = {
    signFor: command((_r, actor, { at }) => ({ type: 'SignFor', actor, data: { at } })),
    applyForReturn: command((r, actor, { at }) => ({
      type: 'ApplyForReturn',
      actor,
      data: { reasons: r.reasons as ReturnReason[], note: r.note, at },
    })),
    decideReturn: command((r, actor, { at }) => ({ type: 'DecideReturn', actor, data: { approve: r.approve, note: r.note, at } })),
    redispatch: command(async (r, actor, ctx) => ({
      type: 'Redispatch',
      actor,
      data: { unitId: cases.knownUnit(r.unitId), deadline: await deadlineOr(r.deadline, ctx), at: ctx.at },
    })),
    applyForExtension: command((r, actor, { at }) => ({
      type: 'ApplyForExtension',
      actor,
      data: { requestedDeadline: r.requestedDeadline, reason: r.reason, at },
    })),
    decideExtension: command((r, actor, { at }) => ({
      type: 'DecideExtension',
      actor,
      data: { approve: r.approve, note: r.note, at, ...(r.approvedDeadline ? { approvedDeadline: r.approvedDeadline } : {}) },
    })),
    applyForSuspension: command((r, actor, { at }) => ({ type: 'ApplyForSuspension', actor, data: { reason: r.reason, at } })),
    decideSuspension: command((r, actor, { at }) => ({ type: 'DecideSuspension', actor, data: { approve: r.approve, note: r.note, at } })),
    reportHandling: command((r, actor, { at }) => ({
      type: 'ReportHandling',
      actor,
      data: { notes: r.notes, photoRefs: r.photoRefs, at },
    })),
    verify: command(async (r, actor, ctx) => {
      const outcome = outcomeOf(r.outcome);
      const base = { notes: r.notes, photoRefs: r.photoRefs, at: ctx.at };
      if (outcome === 'failed')
        return { type: 'Verify', actor, data: { ...base, outcome, reworkDeadline: await deadlineOr(r.reworkDeadline, ctx) } };
      // An unspecified outcome reaches the decider as '' and is refused there (INVALID_ARGUMENT).
      return { type: 'Verify', actor, data: { ...base, outcome: outcome as 'passed' } };
    }),
    supervise: command((r, actor, { at }) => ({ type: 'Supervise', actor, data: { note: r.note, at } })),
    reopen: command(async (r, actor, ctx) => {
      // The last unit from the stream itself (a command reads it anyway): the read model may lag.
      const last = r.unitId ? null : (await cases.handler.load(caseStreamId(ctx.caseId))).state;
      const unitId = r.unitId ? cases.knownUnit(r.unitId) : last && 'unitId' in last ? last.unitId : '';
      return { type: 'Reopen', actor, data: { reason: r.reason, unitId, deadline: await deadlineOr(r.deadline, ctx), at: ctx.at } };
    }),
    evaluate: command((r, actor, { at }) => ({ type: 'Evaluate', actor, data: { rating: r.rating as 'satisfied', note: r.note, at } })),

    getCase: authed(async (r, principal) => {
      if (!Number.isSafeInteger(r.minVersion) || r.minVersion < 0)
        throw new ValidationError('min_version must be a non-negative integer', [{ field: 'minVersion', message: String(r.minVersion) }]);
      const { summary, history } = await queries.getCase(
        r.caseId,
        actorOf(principal),
        r.minVersion > 0 ? { minVersion: r.minVersion } : {},
      );
      return { case: toCaseSummary(summary), history: history.map(toHistoryEntry) };
    }),
    listCases: authed(async (r, principal) => {
      const { cases: list, nextPageToken } = await queries.listCases(actorOf(principal), r);
      return { cases: list.map(toCaseSummary), nextPageToken };
    }),
    getIndicators: authed(async (r) => {
      const result = await queries.indicators(dimensionOf(r.dimension, 'unit'), r.from || undefined, r.to || undefined);
      return {
        from: result.from,
        to: result.to,
        rows: result.rows.map((row) => toIndicatorRow(indicators, row)),
        total: toIndicatorValues(indicators, result.total),
      };
    }),
    getRanking: authed(async (r) => {
      const dimension = dimensionOf(r.dimension, 'unit');
      if (dimension === 'category')
        throw new ValidationError('rankings are per unit or district', [{ field: 'dimension', message: 'category is not ranked' }]);
      const { weekStart, table } = await queries.ranking(r.indicatorId || 'onTimeClosureRate', dimension, r.weekOf || undefined);
      return toRankingResponse(weekStart, table);
    }),
  };
  return { definition: DispatchServiceService, implementation };
}
