import { assertNever } from '@yiwang/kernel-core';
import { type CaseId, type CategoryCode, type Instant, type ReportId, type UnitId } from '../shared/values';
import { type CaseEvent, type EvaluationRating, type ReturnReason } from './case-events';

/** What every existing case knows, whatever its state, including the counts indicators need. */
export type CaseFacts = Readonly<{
  caseId: CaseId;
  reportId: ReportId;
  category: CategoryCode;
  cellId: string;
  district: string;
  urgency: string;
  openedAt: Instant;
  reworkCount: number;
  extensionCount: number;
  supervisionCount: number;
  returnCount: number;
  reopenCount: number;
}>;

/** The unit currently responsible and its deadline; `overdueMarkedFor` makes overdue once per deadline. */
export type Assignment = Readonly<{ unitId: UnitId; deadline: Instant; dispatchedAt: Instant; overdueMarkedFor: Instant | null }>;

/**
 * The case's states (案件状态). Each carries only the fields valid in it:
 * - `awaiting_dispatch` 待派遣: at the command centre after an approved return or a reopen;
 * - `dispatched` 待签收, `handling` 处置中;
 * - `return_requested` 退回待审, `extension_requested` 延期待审, `suspension_requested` 缓办待审;
 * - `suspended` 缓办/挂账 (out of the due counts), `awaiting_verification` 待核查;
 * - `closed` 已结案.
 */
export type CaseState =
  | Readonly<{ status: 'none' }>
  | (CaseFacts & Readonly<{ status: 'awaiting_dispatch'; previousUnitId: UnitId | null; returnedBy: UnitId | null }>)
  | (CaseFacts & Assignment & Readonly<{ status: 'dispatched' }>)
  | (CaseFacts & Assignment & Readonly<{ status: 'handling'; signedAt: Instant }>)
  | (CaseFacts &
      Assignment &
      Readonly<{
        status: 'return_requested';
        signedAt: Instant | null;
        request: Readonly<{ reasons: readonly ReturnReason[]; note: string; requestedAt: Instant }>;
      }>)
  | (CaseFacts & Assignment & Readonly<{ status: 'extension_requested'; signedAt: Instant; requestedDeadline: Instant; reason: string }>)
  | (CaseFacts & Assignment & Readonly<{ status: 'suspension_requested'; signedAt: Instant; reason: string }>)
  | (CaseFacts & Assignment & Readonly<{ status: 'suspended'; signedAt: Instant; reason: string; suspendedAt: Instant }>)
  | (CaseFacts &
      Assignment &
      Readonly<{
        status: 'awaiting_verification';
        signedAt: Instant;
        handling: Readonly<{ notes: string; photoRefs: readonly string[]; reportedAt: Instant; onTime: boolean }>;
      }>)
  | (CaseFacts &
      Readonly<{
        status: 'closed';
        unitId: UnitId;
        closedAt: Instant;
        closedOnTime: boolean;
        evaluation: Readonly<{ rating: EvaluationRating; note: string; evaluatedAt: Instant }> | null;
      }>);

export type CaseStatus = CaseState['status'];
export type ExistingCase = Exclude<CaseState, { status: 'none' }>;
/** States in which a unit holds the case and a deadline runs (or is paused, when suspended). */
export type AssignedCase = Extract<CaseState, { unitId: UnitId; deadline: Instant }>;

export const initialCaseState = (): CaseState => ({ status: 'none' });

/** The unit holding the case now, or null when it is at the centre (or closed). */
export function currentUnit(state: CaseState): UnitId | null {
  return 'deadline' in state ? state.unitId : null;
}

/** Keeps facts and assignment, drops the fields of the state being left. */
function facts(s: ExistingCase): CaseFacts {
  const {
    caseId,
    reportId,
    category,
    cellId,
    district,
    urgency,
    openedAt,
    reworkCount,
    extensionCount,
    supervisionCount,
    returnCount,
    reopenCount,
  } = s;
  return {
    caseId,
    reportId,
    category,
    cellId,
    district,
    urgency,
    openedAt,
    reworkCount,
    extensionCount,
    supervisionCount,
    returnCount,
    reopenCount,
  };
}
const assignment = (s: AssignedCase): Assignment => ({
  unitId: s.unitId,
  deadline: s.deadline,
  dispatchedAt: s.dispatchedAt,
  overdueMarkedFor: s.overdueMarkedFor,
});

/** Events only ever arrive in an order `decide` produced, so a mismatch is a corrupt stream. */
function corrupt(state: CaseState, event: CaseEvent): never {
  throw new Error(`case stream is corrupt: ${event.type} in state ${state.status}`);
}

export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'dispatch.case.opened.v1') {
    const d = event.data;
    return {
      status: 'awaiting_dispatch',
      ...{
        caseId: d.caseId,
        reportId: d.reportId,
        category: d.category,
        cellId: d.cellId,
        district: d.district,
        urgency: d.urgency,
        openedAt: d.openedAt,
      },
      ...{ reworkCount: 0, extensionCount: 0, supervisionCount: 0, returnCount: 0, reopenCount: 0 },
      previousUnitId: null,
      returnedBy: null,
    };
  }
  if (state.status === 'none') return corrupt(state, event);
  switch (event.type) {
    case 'dispatch.case.dispatched.v1': {
      const d = event.data;
      return {
        ...facts(state),
        status: 'dispatched',
        unitId: d.unitId,
        deadline: d.deadline,
        dispatchedAt: d.dispatchedAt,
        overdueMarkedFor: null,
      };
    }
    case 'dispatch.case.signed_for.v1':
      return state.status === 'dispatched'
        ? { ...facts(state), ...assignment(state), status: 'handling', signedAt: event.data.signedAt }
        : corrupt(state, event);
    case 'dispatch.case.return_requested.v1': {
      if (state.status !== 'dispatched' && state.status !== 'handling') return corrupt(state, event);
      const { reasons, note, requestedAt } = event.data;
      const signedAt = state.status === 'handling' ? state.signedAt : null;
      return { ...facts(state), ...assignment(state), status: 'return_requested', signedAt, request: { reasons, note, requestedAt } };
    }
    case 'dispatch.case.return_approved.v1':
      return state.status === 'return_requested'
        ? {
            ...facts(state),
            returnCount: state.returnCount + 1,
            status: 'awaiting_dispatch',
            previousUnitId: state.unitId,
            returnedBy: state.unitId,
          }
        : corrupt(state, event);
    case 'dispatch.case.return_rejected.v1':
      if (state.status !== 'return_requested') return corrupt(state, event);
      return state.signedAt === null
        ? { ...facts(state), ...assignment(state), status: 'dispatched' }
        : { ...facts(state), ...assignment(state), status: 'handling', signedAt: state.signedAt };
    case 'dispatch.case.extension_requested.v1':
      return state.status === 'handling'
        ? {
            ...facts(state),
            ...assignment(state),
            status: 'extension_requested',
            signedAt: state.signedAt,
            requestedDeadline: event.data.requestedDeadline,
            reason: event.data.reason,
          }
        : corrupt(state, event);
    case 'dispatch.case.extension_approved.v1':
      return state.status === 'extension_requested'
        ? {
            ...facts(state),
            ...assignment(state),
            extensionCount: state.extensionCount + 1,
            deadline: event.data.newDeadline,
            status: 'handling',
            signedAt: state.signedAt,
          }
        : corrupt(state, event);
    case 'dispatch.case.extension_rejected.v1':
    case 'dispatch.case.suspension_rejected.v1':
      return state.status === 'extension_requested' || state.status === 'suspension_requested'
        ? { ...facts(state), ...assignment(state), status: 'handling', signedAt: state.signedAt }
        : corrupt(state, event);
    case 'dispatch.case.suspension_requested.v1':
      return state.status === 'handling'
        ? { ...facts(state), ...assignment(state), status: 'suspension_requested', signedAt: state.signedAt, reason: event.data.reason }
        : corrupt(state, event);
    case 'dispatch.case.suspension_approved.v1':
      return state.status === 'suspension_requested'
        ? {
            ...facts(state),
            ...assignment(state),
            status: 'suspended',
            signedAt: state.signedAt,
            reason: state.reason,
            suspendedAt: event.data.decidedAt,
          }
        : corrupt(state, event);
    case 'dispatch.case.handling_reported.v1': {
      if (state.status !== 'handling' && state.status !== 'suspended') return corrupt(state, event);
      const { notes, photoRefs, reportedAt, onTime } = event.data;
      return {
        ...facts(state),
        ...assignment(state),
        status: 'awaiting_verification',
        signedAt: state.signedAt,
        handling: { notes, photoRefs, reportedAt, onTime },
      };
    }
    case 'dispatch.case.verified.v1':
      // The outcome follows as closed / rework_ordered, which change the state.
      return state.status === 'awaiting_verification' ? state : corrupt(state, event);
    case 'dispatch.case.closed.v1':
      if (state.status !== 'awaiting_verification') return corrupt(state, event);
      return {
        ...facts(state),
        status: 'closed',
        unitId: event.data.unitId,
        closedAt: event.data.closedAt,
        closedOnTime: event.data.onTime,
        evaluation: null,
      };
    case 'dispatch.case.rework_ordered.v1':
      return state.status === 'awaiting_verification'
        ? {
            ...facts(state),
            ...assignment(state),
            reworkCount: event.data.reworkCount,
            deadline: event.data.deadline,
            overdueMarkedFor: null,
            status: 'handling',
            signedAt: state.signedAt,
          }
        : corrupt(state, event);
    case 'dispatch.case.supervised.v1':
      return { ...state, supervisionCount: state.supervisionCount + 1 };
    case 'dispatch.case.overdue_marked.v1':
      return 'deadline' in state ? { ...state, overdueMarkedFor: event.data.deadline } : corrupt(state, event);
    case 'dispatch.case.reopened.v1':
      return state.status === 'closed'
        ? {
            ...facts(state),
            reopenCount: state.reopenCount + 1,
            status: 'awaiting_dispatch',
            previousUnitId: state.unitId,
            returnedBy: null,
          }
        : corrupt(state, event);
    case 'dispatch.case.evaluated.v1':
      return state.status === 'closed'
        ? { ...state, evaluation: { rating: event.data.rating, note: event.data.note, evaluatedAt: event.data.evaluatedAt } }
        : corrupt(state, event);
    default:
      return assertNever(event, 'case event');
  }
}
