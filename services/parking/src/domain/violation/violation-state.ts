import { assertNever } from '@yiwang/kernel-core';
import { type ViolationKind } from '../rules/parking-rules';
import { type ClosedOutcome, type ViolationEvent, type ViolationSource } from './violation-events';

/** What every recorded violation carries, whatever its step. */
type Base = Readonly<{
  violationId: string;
  source: ViolationSource;
  plateHash: string;
  spot: string;
  kind: ViolationKind;
  squad: string;
  obstructing: boolean;
  tableFine: number;
  observedAt: string;
  dispatchCaseId: string;
  towed: boolean;
  priorNoticeServed: boolean;
  erased: boolean;
}>;

/** A state union on `status`: each step carries only the fields valid in it. */
export type ViolationState =
  | Readonly<{ status: 'none' }>
  | (Base & Readonly<{ status: 'recorded' }>)
  /** 劝离 refused: the driver stays and obstructs (道路交通安全法 Art 93). */
  | (Base & Readonly<{ status: 'refused' }>)
  | (Base & Readonly<{ status: 'noticed'; fine: number; comeForwardBy: string; transferDueAt: string }>)
  | (Base & Readonly<{ status: 'penalised'; fine: number; payBy: string; transferDueAt: string }>)
  | (Base & Readonly<{ status: 'closed'; outcome: ClosedOutcome; closedAt: string }>);

export type RecordedViolation = Exclude<ViolationState, { status: 'none' }>;

export const initialViolationState = (): ViolationState => ({ status: 'none' });

function base(state: ViolationState): Base {
  if (state.status === 'none') throw new Error('event on a violation that was never recorded');
  return state;
}

export function evolveViolation(state: ViolationState, event: ViolationEvent): ViolationState {
  switch (event.type) {
    case 'parking.violation.recorded.v1': {
      const d = event.data;
      return {
        status: 'recorded',
        violationId: d.violationId,
        source: d.source,
        plateHash: d.vehicle.plateHash,
        spot: `${d.location.cellId}|${d.location.road}`,
        kind: d.kind,
        squad: d.squad,
        obstructing: d.obstructing,
        tableFine: d.tableFine,
        observedAt: d.observedAt,
        dispatchCaseId: d.dispatchCaseId,
        towed: false,
        priorNoticeServed: false,
        erased: false,
      };
    }
    case 'parking.violation.driver_warned.v1':
      return event.data.complied ? state : { ...base(state), status: 'refused' };
    case 'parking.violation.notice_issued.v1':
      return {
        ...base(state),
        status: 'noticed',
        fine: event.data.fine,
        comeForwardBy: event.data.comeForwardBy,
        transferDueAt: event.data.transferDueAt,
      };
    case 'parking.violation.prior_notice_served.v1':
      return { ...state, ...{ priorNoticeServed: true } } as ViolationState;
    case 'parking.violation.towing_ordered.v1':
      return { ...state, ...{ towed: true } } as ViolationState;
    case 'parking.violation.penalty_decided.v1':
      return {
        ...base(state),
        status: 'penalised',
        fine: event.data.fine,
        payBy: event.data.payBy,
        transferDueAt: event.data.transferDueAt,
      };
    case 'parking.violation.fine_paid.v1':
    case 'parking.violation.transferred.v1':
      return state; // the closing event that follows changes the status
    case 'parking.violation.closed.v1':
      return { ...base(state), status: 'closed', outcome: event.data.outcome, closedAt: event.data.closedAt };
    case 'parking.violation.personal_data_erased.v1':
      return { ...state, ...{ erased: true } } as ViolationState;
    default:
      return assertNever(event, 'violation event');
  }
}
