import { assertNever, IllegalStateError, NotFoundError, type Decider } from '@yiwang/kernel-core';
import { requireRole, Roles, type Actor } from '../shared/actor';
import { Instant, text, type ComponentId } from '../shared/values';
import { type Standards } from '../standards/standards';
import { facilityDetails, sameDetails, type FacilityDetails, type FacilityInput } from './facility-details';

/** The facility register (`facility-<componentId>`): a road, toilet, transfer station or litter bin. */
export type FacilityEvent =
  | Readonly<{ type: 'sanitation.facility.registered.v1'; data: FacilityDetails & { registeredAt: string } }>
  | Readonly<{ type: 'sanitation.facility.updated.v1'; data: FacilityDetails & { updatedAt: string } }>
  | Readonly<{ type: 'sanitation.facility.retired.v1'; data: { facilityId: string; reason: string; retiredAt: string } }>;

export const FACILITY_EVENT_TYPES: readonly FacilityEvent['type'][] = [
  'sanitation.facility.registered.v1',
  'sanitation.facility.updated.v1',
  'sanitation.facility.retired.v1',
];

export type FacilityState =
  | Readonly<{ status: 'none' }>
  | Readonly<{ status: 'active'; details: FacilityDetails }>
  | Readonly<{ status: 'retired'; details: FacilityDetails; retiredAt: string }>;

/** Standards come in the command: `decide` checks grades and classes against the city's data. */
export type FacilityCommand =
  | Readonly<{ type: 'RegisterFacility'; actor: Actor; data: { details: FacilityInput; standards: Standards; at: string } }>
  | Readonly<{ type: 'UpdateFacility'; actor: Actor; data: { details: FacilityInput; standards: Standards; at: string } }>
  | Readonly<{ type: 'RetireFacility'; actor: Actor; data: { reason: string; at: string } }>
  /** A row of an import file: registered when new, updated when changed, nothing when the same. */
  | Readonly<{ type: 'ImportFacility'; actor: Actor; data: { details: FacilityInput; standards: Standards; at: string } }>;

export const facilityStreamId = (id: ComponentId | string): string => `facility-${id}`;

function strip<T extends { registeredAt?: string; updatedAt?: string }>(data: T): FacilityDetails {
  const { registeredAt: _r, updatedAt: _u, ...details } = data;
  return details as unknown as FacilityDetails;
}

export function evolveFacility(state: FacilityState, event: FacilityEvent): FacilityState {
  switch (event.type) {
    case 'sanitation.facility.registered.v1':
    case 'sanitation.facility.updated.v1':
      return { status: 'active', details: strip(event.data) };
    case 'sanitation.facility.retired.v1':
      return state.status === 'none' ? state : { status: 'retired', details: state.details, retiredAt: event.data.retiredAt };
    default:
      return assertNever(event, 'facility event');
  }
}

export function decideFacility(command: FacilityCommand, state: FacilityState): readonly FacilityEvent[] {
  requireRole(command.actor, command.type, Roles.admin);
  const at = Instant(command.data.at);
  switch (command.type) {
    case 'RegisterFacility': {
      const details = facilityDetails(command.data.details, command.data.standards);
      // A re-imported row with the same details is a no-op; different details must be an update.
      if (state.status === 'active' && sameDetails(state.details, details)) return [];
      if (state.status !== 'none')
        throw new IllegalStateError(`facility ${details.facilityId} is already registered; update it instead`, {
          facilityId: details.facilityId,
        });
      return [{ type: 'sanitation.facility.registered.v1', data: { ...details, registeredAt: at } }];
    }
    case 'ImportFacility':
      // The stream's own state decides, not the register read model (which may lag the file's earlier rows).
      return decideFacility({ ...command, type: state.status === 'none' ? 'RegisterFacility' : 'UpdateFacility' }, state);
    case 'UpdateFacility': {
      if (state.status === 'none') throw new NotFoundError(`no facility ${String(command.data.details.facilityId)}`);
      if (state.status === 'retired') throw new IllegalStateError(`facility ${state.details.facilityId} is retired`);
      const details = facilityDetails(command.data.details, command.data.standards);
      if (details.facilityId !== state.details.facilityId) throw new IllegalStateError('the component id of a facility cannot change');
      if (details.kind !== state.details.kind) throw new IllegalStateError(`a ${state.details.kind} cannot become a ${details.kind}`);
      if (sameDetails(state.details, details)) return [];
      return [{ type: 'sanitation.facility.updated.v1', data: { ...details, updatedAt: at } }];
    }
    case 'RetireFacility': {
      if (state.status === 'none') throw new NotFoundError('no such facility');
      if (state.status === 'retired') return [];
      return [
        {
          type: 'sanitation.facility.retired.v1',
          data: { facilityId: state.details.facilityId, reason: text(command.data.reason, 'reason', 500), retiredAt: at },
        },
      ];
    }
    default:
      return assertNever(command, 'facility command');
  }
}

export const facilityDecider: Decider<FacilityCommand, FacilityEvent, FacilityState> = {
  initialState: () => ({ status: 'none' }),
  decide: decideFacility,
  evolve: evolveFacility,
};
