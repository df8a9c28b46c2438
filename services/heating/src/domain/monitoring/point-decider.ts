import { assertNever, IllegalStateError, type Decider, type DomainEvent } from '@yiwang/kernel-core';
import { HeatingRoles, requireRole, type Actor } from '../shared/actor';
import { CompanyId, HouseholdId, Instant, PointId, type Instant as InstantT } from '../shared/values';

/**
 * The monitoring point aggregate (`heating-point-<id>`): its findings (监测发现). One finding per
 * point at a time, so a point hovering around 18 ℃ cannot raise an alarm storm.
 */
export type FindingRaised = DomainEvent<
  'heating.point.finding_raised.v1',
  Readonly<{
    pointId: string;
    findingId: string;
    complaintId: string;
    householdId: string;
    companyId: string;
    belowSince: InstantT;
    lowestDeci: number;
    raisedAt: InstantT;
  }>
>;
export type FindingClosed = DomainEvent<
  'heating.point.finding_closed.v1',
  Readonly<{ pointId: string; findingId: string; aboveSince: InstantT; closedAt: InstantT }>
>;
/** The device sent nothing for longer than the city's `offlineHours` (设备离线). */
export type DeviceOffline = DomainEvent<
  'heating.point.device_offline.v1',
  Readonly<{ pointId: string; companyId: string; lastSeenAt: InstantT; markedAt: InstantT }>
>;
/** The device reports again after being marked offline. */
export type DeviceOnline = DomainEvent<
  'heating.point.device_online.v1',
  Readonly<{ pointId: string; companyId: string; silentSince: InstantT; backAt: InstantT }>
>;
export type PointEvent = FindingRaised | FindingClosed | DeviceOffline | DeviceOnline;
export const POINT_EVENT_TYPES: readonly PointEvent['type'][] = [
  'heating.point.finding_raised.v1',
  'heating.point.finding_closed.v1',
  'heating.point.device_offline.v1',
  'heating.point.device_online.v1',
];

export type RaiseFinding = Readonly<{
  type: 'RaiseFinding';
  actor: Actor;
  data: Readonly<{ pointId: string; householdId: string; companyId: string; belowSince: string; lowestDeci: number; at: string }>;
}>;
export type CloseFinding = Readonly<{ type: 'CloseFinding'; actor: Actor; data: Readonly<{ aboveSince: string; at: string }> }>;
export type MarkOffline = Readonly<{
  type: 'MarkOffline';
  actor: Actor;
  data: Readonly<{ pointId: string; companyId: string; lastSeenAt: string; at: string }>;
}>;
export type MarkOnline = Readonly<{
  type: 'MarkOnline';
  actor: Actor;
  data: Readonly<{ pointId: string; companyId: string; silentSince: string; at: string }>;
}>;
export type PointCommand = RaiseFinding | CloseFinding | MarkOffline | MarkOnline;

export type PointState = Readonly<{
  pointId: string | null;
  findings: number;
  open: Readonly<{ findingId: string; complaintId: string }> | null;
  /** Older streams have no offline events: absent = online. */
  offline?: boolean;
}>;

/** The complaint a finding opens: the company handles it like a resident's, with no resident. */
export const complaintIdOfFinding = (findingId: string): string => `MON-${findingId}`;
export const pointStreamId = (pointId: string): string => `heating-point-${pointId}`;

export function decidePoint(command: PointCommand, state: PointState): readonly PointEvent[] {
  requireRole(command.actor, command.type, HeatingRoles.system);
  switch (command.type) {
    case 'RaiseFinding': {
      const d = command.data;
      if (state.open !== null)
        throw new IllegalStateError(`point ${d.pointId} has an open finding (${state.open.findingId})`, {
          command: command.type,
          status: 'finding_open',
        });
      const pointId = PointId(d.pointId);
      const findingId = `${pointId}-${state.findings + 1}`;
      return [
        {
          type: 'heating.point.finding_raised.v1',
          data: {
            pointId,
            findingId,
            complaintId: complaintIdOfFinding(findingId),
            householdId: HouseholdId(d.householdId),
            companyId: CompanyId(d.companyId),
            belowSince: Instant(d.belowSince, 'belowSince'),
            lowestDeci: d.lowestDeci,
            raisedAt: Instant(d.at),
          },
        },
      ];
    }
    case 'CloseFinding': {
      if (state.open === null || state.pointId === null)
        throw new IllegalStateError('the point has no open finding', { command: command.type, status: 'no_finding' });
      return [
        {
          type: 'heating.point.finding_closed.v1',
          data: {
            pointId: state.pointId,
            findingId: state.open.findingId,
            aboveSince: Instant(command.data.aboveSince, 'aboveSince'),
            closedAt: Instant(command.data.at),
          },
        },
      ];
    }
    case 'MarkOffline': {
      const d = command.data;
      if (state.offline === true)
        throw new IllegalStateError(`point ${d.pointId} is offline already`, { command: command.type, status: 'offline' });
      return [
        {
          type: 'heating.point.device_offline.v1',
          data: {
            pointId: PointId(d.pointId),
            companyId: CompanyId(d.companyId),
            lastSeenAt: Instant(d.lastSeenAt, 'lastSeenAt'),
            markedAt: Instant(d.at),
          },
        },
      ];
    }
    case 'MarkOnline': {
      const d = command.data;
      if (state.offline !== true)
        throw new IllegalStateError(`point ${d.pointId} is not offline`, { command: command.type, status: 'online' });
      return [
        {
          type: 'heating.point.device_online.v1',
          data: {
            pointId: PointId(d.pointId),
            companyId: CompanyId(d.companyId),
            silentSince: Instant(d.silentSince, 'silentSince'),
            backAt: Instant(d.at),
          },
        },
      ];
    }
    default:
      return assertNever(command, 'point command');
  }
}

export function evolvePoint(state: PointState, event: PointEvent): PointState {
  switch (event.type) {
    case 'heating.point.finding_raised.v1':
      return {
        ...state,
        pointId: event.data.pointId,
        findings: state.findings + 1,
        open: { findingId: event.data.findingId, complaintId: event.data.complaintId },
      };
    case 'heating.point.finding_closed.v1':
      return { ...state, open: null };
    case 'heating.point.device_offline.v1':
      return { ...state, pointId: event.data.pointId, offline: true };
    case 'heating.point.device_online.v1':
      return { ...state, pointId: event.data.pointId, offline: false };
    default:
      return assertNever(event, 'point event');
  }
}

export const pointDecider: Decider<PointCommand, PointEvent, PointState> = {
  initialState: () => ({ pointId: null, findings: 0, open: null }),
  decide: decidePoint,
  evolve: evolvePoint,
};
