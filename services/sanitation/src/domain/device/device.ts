import { assertNever, IllegalStateError, type Decider } from '@yiwang/kernel-core';
import { requireRole, Roles, type Actor } from '../shared/actor';
import { Department, fail, Instant, text } from '../shared/values';

/**
 * The device register (`sanitation-device-<id>`): sweepers, washers, collection trucks and crew
 * terminals that report work. A work record names its device; an unregistered one is refused.
 */
export const DEVICE_KINDS = ['sweeper', 'washer', 'collection_truck', 'crew_terminal'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export type DeviceEvent = Readonly<{
  type: 'sanitation.device.registered.v1';
  data: { deviceId: string; kind: DeviceKind; contractor: string; registeredAt: string };
}>;
export const DEVICE_EVENT_TYPES: readonly DeviceEvent['type'][] = ['sanitation.device.registered.v1'];
export type DeviceState =
  Readonly<{ status: 'none' }> | Readonly<{ status: 'registered'; deviceId: string; kind: DeviceKind; contractor: string }>;
export type DeviceCommand = Readonly<{
  type: 'RegisterDevice';
  actor: Actor;
  data: { deviceId: string; kind: string; contractor: string; at: string };
}>;

export const deviceStreamId = (id: string): string => `sanitation-device-${id}`;

export function decideDevice(command: DeviceCommand, state: DeviceState): readonly DeviceEvent[] {
  switch (command.type) {
    case 'RegisterDevice': {
      requireRole(command.actor, command.type, Roles.admin);
      const deviceId = text(command.data.deviceId, 'deviceId', 80);
      if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(deviceId)) fail('deviceId', 'letters, digits, _ . : - only');
      const kind = (DEVICE_KINDS as readonly string[]).includes(command.data.kind)
        ? (command.data.kind as DeviceKind)
        : fail('kind', `must be one of ${DEVICE_KINDS.join(', ')}`);
      const contractor = Department(command.data.contractor, 'contractor');
      const at = Instant(command.data.at);
      if (state.status === 'registered') {
        if (state.kind === kind && state.contractor === contractor) return [];
        throw new IllegalStateError(`device ${deviceId} is already registered to ${state.contractor} as ${state.kind}`);
      }
      return [{ type: 'sanitation.device.registered.v1', data: { deviceId, kind, contractor, registeredAt: at } }];
    }
    default:
      return assertNever(command.type, 'device command');
  }
}

export const deviceDecider: Decider<DeviceCommand, DeviceEvent, DeviceState> = {
  initialState: () => ({ status: 'none' }),
  decide: decideDevice,
  evolve: (_s, e) => ({ status: 'registered', deviceId: e.data.deviceId, kind: e.data.kind, contractor: e.data.contractor }),
};
