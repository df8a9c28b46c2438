import { DISPATCH_CASE_EVENT_TYPES, type DispatchCaseEventType } from '@yiwang/contracts';
import { type UnitDirectory, type UnitRef } from './unit-directory';

/**
 * What a reporter may know of the case dispatch opened for their report, folded from dispatch's
 * case events (proto/yiwang/dispatch/v1/case_events.proto). Pure: the caller brings the events
 * and the unit directory. Internal matters (return reasons, inspectors, evaluations, supervision)
 * are not copied: only where the case is, who handles it, by when, and how it ended.
 */
export type CaseStep =
  | 'awaiting_dispatch' // opened at the command centre, no unit yet
  | 'dispatched' // sent to a unit, not signed for yet
  | 'in_progress' // the unit signed for it and is handling it
  | 'return_requested' // the unit asked to hand it back
  | 'returned' // the centre took it back; a new unit follows
  | 'extension_requested'
  | 'suspension_requested'
  | 'suspended' // 缓办 / 挂账: cannot be fixed in time, kept on the backlog
  | 'awaiting_verification' // the unit reported the result; an inspector checks on site
  | 'rework' // the check failed; the unit must do it again
  | 'closed';

export type CaseProgress = Readonly<{
  reportId: string;
  caseId: string;
  step: CaseStep;
  /** The unit holding the case (the last one once closed); null while at the centre. */
  unit: UnitRef | null;
  /** 处置时限 in force, as dispatch recorded it (ISO-8601 with offset); null without a unit. */
  deadline: string | null;
  /** True once the deadline passed without a handling report (cleared by a new dispatch or rework). */
  overdue: boolean;
  /** Whether the current unit has signed for the case (decides where a refused request goes back to). */
  signed: boolean;
  /** The unit's latest handling report (处理反馈): what was done. */
  handlingNotes: string | null;
  closedAt: string | null;
  /** Whether the case was handled by its deadline; set at closure. */
  closedOnTime: boolean | null;
  /** When the case was last reopened after a closure; null if never. */
  reopenedAt: string | null;
  /** When dispatch last moved the case. */
  updatedAt: string;
}>;

type Ev<T extends string, D> = Readonly<{ type: `dispatch.case.${T}.v1`; data: Readonly<D> }>;
type At<K extends string> = { [P in K]: string };

/** The case events that change the reporter's view, with the fields used (as the proto messages decode). */
export type CaseProgressEvent =
  | Ev<'opened', { caseId: string; reportId: string } & At<'openedAt'>>
  | Ev<'dispatched', { caseId: string; unitId: string; deadline: string } & At<'dispatchedAt'>>
  | Ev<'signed_for', { caseId: string; unitId: string } & At<'signedAt'>>
  | Ev<'return_requested', { caseId: string } & At<'requestedAt'>>
  | Ev<'return_approved', { caseId: string } & At<'decidedAt'>>
  | Ev<'return_rejected', { caseId: string } & At<'decidedAt'>>
  | Ev<'extension_requested', { caseId: string } & At<'requestedAt'>>
  | Ev<'extension_approved', { caseId: string; newDeadline: string } & At<'decidedAt'>>
  | Ev<'extension_rejected', { caseId: string } & At<'decidedAt'>>
  | Ev<'suspension_requested', { caseId: string } & At<'requestedAt'>>
  | Ev<'suspension_approved', { caseId: string } & At<'decidedAt'>>
  | Ev<'suspension_rejected', { caseId: string } & At<'decidedAt'>>
  | Ev<'handling_reported', { caseId: string; notes: string } & At<'reportedAt'>>
  | Ev<'rework_ordered', { caseId: string; deadline: string } & At<'orderedAt'>>
  | Ev<'overdue_marked', { caseId: string } & At<'markedAt'>>
  | Ev<'closed', { caseId: string; reportId: string; unitId: string; onTime: boolean } & At<'closedAt'>>
  | Ev<'reopened', { caseId: string } & At<'reopenedAt'>>;

export type CaseProgressEventType = CaseProgressEvent['type'];

/** Dispatch's case events the reporter's view does not follow: internal matters. */
type NotFollowed = 'dispatch.case.verified.v1' | 'dispatch.case.supervised.v1' | 'dispatch.case.evaluated.v1';
const NOT_FOLLOWED: ReadonlySet<string> = new Set<NotFollowed>([
  'dispatch.case.verified.v1',
  'dispatch.case.supervised.v1',
  'dispatch.case.evaluated.v1',
]);
// The view folds every other type of dispatch's contract, and only those: checked here at compile time.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const followsTheRest: Same<Exclude<DispatchCaseEventType, NotFollowed>, CaseProgressEventType> = true;
void followsTheRest;

export const CASE_PROGRESS_EVENT_TYPES = DISPATCH_CASE_EVENT_TYPES.filter(
  (t): t is CaseProgressEventType & DispatchCaseEventType => !NOT_FOLLOWED.has(t),
);

/** Back to handling after a refused request: where the case was before the unit asked. */
const handling = (v: CaseProgress): CaseStep => (v.signed ? 'in_progress' : 'dispatched');

/**
 * The reporter's view after one more case event. `null` in, `null` out for anything but
 * `opened`: a case whose opening we never saw has no report to show it on.
 */
export function evolveCaseProgress(view: CaseProgress | null, event: CaseProgressEvent, units: UnitDirectory): CaseProgress | null {
  if (event.type === 'dispatch.case.opened.v1') {
    const d = event.data;
    return {
      reportId: d.reportId,
      caseId: d.caseId,
      step: 'awaiting_dispatch',
      unit: null,
      deadline: null,
      overdue: false,
      signed: false,
      handlingNotes: null,
      closedAt: null,
      closedOnTime: null,
      reopenedAt: null,
      updatedAt: d.openedAt,
    };
  }
  if (view === null) return null;
  switch (event.type) {
    case 'dispatch.case.dispatched.v1': {
      const d = event.data;
      return {
        ...view,
        step: 'dispatched',
        unit: units.unit(d.unitId),
        deadline: d.deadline,
        overdue: false,
        signed: false,
        closedAt: null,
        closedOnTime: null,
        updatedAt: d.dispatchedAt,
      };
    }
    case 'dispatch.case.signed_for.v1':
      return { ...view, step: 'in_progress', signed: true, updatedAt: event.data.signedAt };
    case 'dispatch.case.return_requested.v1':
      return { ...view, step: 'return_requested', updatedAt: event.data.requestedAt };
    case 'dispatch.case.return_approved.v1':
      return { ...view, step: 'returned', unit: null, deadline: null, overdue: false, signed: false, updatedAt: event.data.decidedAt };
    case 'dispatch.case.return_rejected.v1':
    case 'dispatch.case.extension_rejected.v1':
    case 'dispatch.case.suspension_rejected.v1':
      return { ...view, step: handling(view), updatedAt: event.data.decidedAt };
    case 'dispatch.case.extension_requested.v1':
      return { ...view, step: 'extension_requested', updatedAt: event.data.requestedAt };
    case 'dispatch.case.extension_approved.v1':
      return { ...view, step: handling(view), deadline: event.data.newDeadline, overdue: false, updatedAt: event.data.decidedAt };
    case 'dispatch.case.suspension_requested.v1':
      return { ...view, step: 'suspension_requested', updatedAt: event.data.requestedAt };
    case 'dispatch.case.suspension_approved.v1':
      return { ...view, step: 'suspended', updatedAt: event.data.decidedAt };
    case 'dispatch.case.handling_reported.v1':
      return {
        ...view,
        step: 'awaiting_verification',
        handlingNotes: event.data.notes || view.handlingNotes,
        updatedAt: event.data.reportedAt,
      };
    case 'dispatch.case.rework_ordered.v1':
      return { ...view, step: 'rework', deadline: event.data.deadline || view.deadline, overdue: false, updatedAt: event.data.orderedAt };
    case 'dispatch.case.overdue_marked.v1':
      return { ...view, overdue: true, updatedAt: event.data.markedAt };
    case 'dispatch.case.closed.v1': {
      const d = event.data;
      return {
        ...view,
        step: 'closed',
        unit: d.unitId ? units.unit(d.unitId) : view.unit,
        closedAt: d.closedAt,
        closedOnTime: d.onTime,
        updatedAt: d.closedAt,
      };
    }
    case 'dispatch.case.reopened.v1':
      // A dispatch follows at once; until then the case is back at the centre.
      return {
        ...view,
        step: 'awaiting_dispatch',
        unit: null,
        deadline: null,
        overdue: false,
        signed: false,
        closedAt: null,
        closedOnTime: null,
        reopenedAt: event.data.reopenedAt,
        updatedAt: event.data.reopenedAt,
      };
    default: {
      const never: never = event;
      return never;
    }
  }
}
