import { type LoggedEvent, type Projection, type RecordedEvent } from '@yiwang/kernel-core';
import { handlingFeedback, unitOfSquad, type CaseEnding } from '../domain';
import { type EnforcementCases } from './case-service';
import { type DispatchHandover } from './dispatch-handover';

/** Dispatch's side (its gRPC API in production): the unit reports the handling (处理反馈) of a case. */
export interface DispatchFeedback {
  /**
   * Resolves `reported` when dispatch recorded it (or had, for the same command id), `refused`
   * when dispatch refuses for good (the case moved on: returned, reported already, closed);
   * throws when it may succeed later.
   */
  reportHandling(input: { caseId: string; unitId: string; notes: string; commandId: string }): Promise<'reported' | 'refused'>;
}

export const DISPATCH_FEEDBACK_REACTION = 'enforcement_dispatch_feedback';

export type FeedbackLog = (message: string, context: Record<string, unknown>) => void;

/**
 * enforcement → dispatch: when a case that came from a dispatch case ends — closed (结案), or not
 * filed after the lead check (不予立案) — the dispatch case gets its handling feedback. A reaction
 * to the service's own log, not part of the command that closed the case: the projector's
 * checkpoint makes it durable (a process that dies between the close and the call makes the call
 * on restart), and the command id `enforcement-feedback-<case id>` makes dispatch record it once
 * however often it is sent. A dispatch that does not answer holds the reaction (retried from the
 * checkpoint); a permanent refusal is logged and passed. It writes no read model.
 */
export function dispatchFeedbackReaction(
  cases: EnforcementCases,
  handover: DispatchHandover,
  feedback: DispatchFeedback,
  log: FeedbackLog = () => undefined,
): Projection {
  const answer = async (e: LoggedEvent | RecordedEvent): Promise<void> => {
    // The ending event carries no source; the case's own stream has it (read by its id).
    const { state } = await cases.handler.load(e.streamId);
    if (state.status === 'none') return;
    // The brigade the case is dispatched to now, when it is this squad's; otherwise (a squad's own
    // hand-over that dispatch's events have not reached, or a case with another unit) the squad's
    // own brigade answers — never another unit, which dispatch would refuse anyway.
    const link = state.source.kind === 'dispatch_case' ? await handover.get(state.source.ref) : null;
    const unitId = link !== null && link.squadId === state.squadId ? link.unitId : unitOfSquad(handover.rules, state.squadId);
    const report = handlingFeedback(state, { type: e.type, data: e.data } as CaseEnding, unitId);
    if (report === null) return;
    if (report.unitId === '') {
      log('no dispatch unit answers for the squad; no handling feedback', { ...report, squadId: state.squadId });
      return;
    }
    const outcome = await feedback.reportHandling(report);
    if (outcome === 'refused') log('dispatch refused the handling feedback', { ...report });
  };
  return {
    name: DISPATCH_FEEDBACK_REACTION,
    handles: ['enforcement.case.closed.v1', 'enforcement.case.not_filed.v1'],
    apply: answer,
    async applyBatch(events) {
      // One call per ended case, in log order. A failed call retries the batch from the checkpoint;
      // the calls made before it are answered once again by their command ids.
      for (const e of events) await answer(e);
    },
  };
}
