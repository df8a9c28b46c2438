import { assertNever } from '@yiwang/kernel-core';
import { type ObstructionEvent, type ObstructionKind } from './obstruction-events';

type Base = Readonly<{
  obstructionId: string;
  kind: ObstructionKind;
  squad: string;
  blocksRoad: boolean;
  ownerKnown: boolean;
  erased: boolean;
  fined: boolean;
}>;

export type ObstructionState =
  | Readonly<{ status: 'none' }>
  | (Base & Readonly<{ status: 'surveyed' }>)
  | (Base & Readonly<{ status: 'ordered'; removeBy: string; overdue: boolean }>)
  | (Base & Readonly<{ status: 'reminded'; removeBy: string; scheduledRemovalAt: string }>)
  | (Base & Readonly<{ status: 'removed'; by: 'owner' | 'squad'; removedAt: string }>);

export type KnownObstruction = Exclude<ObstructionState, { status: 'none' }>;

export const initialObstructionState = (): ObstructionState => ({ status: 'none' });

function base(state: ObstructionState): Base {
  if (state.status === 'none') throw new Error('event on an obstruction that was never surveyed');
  return state;
}

export function evolveObstruction(state: ObstructionState, event: ObstructionEvent): ObstructionState {
  switch (event.type) {
    case 'parking.obstruction.surveyed.v1': {
      const d = event.data;
      return {
        status: 'surveyed',
        obstructionId: d.obstructionId,
        kind: d.kind,
        squad: d.squad,
        blocksRoad: d.blocksRoad,
        ownerKnown: d.ownerSealed !== '',
        erased: false,
        fined: false,
      };
    }
    case 'parking.obstruction.removal_ordered.v1':
      return { ...base(state), status: 'ordered', removeBy: event.data.removeBy, overdue: false };
    case 'parking.obstruction.removal_overdue_marked.v1':
      return state.status === 'ordered' ? { ...state, overdue: true } : state;
    case 'parking.obstruction.reminder_served.v1':
      return {
        ...base(state),
        status: 'reminded',
        removeBy: 'removeBy' in state ? state.removeBy : '',
        scheduledRemovalAt: event.data.scheduledRemovalAt,
      };
    case 'parking.obstruction.removed.v1':
      return { ...base(state), status: 'removed', by: event.data.by, removedAt: event.data.removedAt };
    case 'parking.obstruction.fine_imposed.v1':
      return { ...state, ...{ fined: true } } as ObstructionState;
    case 'parking.obstruction.personal_data_erased.v1':
      return { ...state, ...{ erased: true } } as ObstructionState;
    default:
      return assertNever(event, 'obstruction event');
  }
}
