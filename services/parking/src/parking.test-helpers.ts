// Helpers for the parking service's tests (not used by production code). The pure fixtures come
// first (unit specs); the servers, clients and tokens after them (int and e2e specs).
import { businessCalendar } from '@yiwang/working-time';
import {
  shippedCameraRegister,
  shippedParkingRules,
  type Actor,
  type Place,
  type RecordViolation,
  type SpaceFacts,
  type VehicleRef,
  type ViolationCommand,
  type ViolationEvent,
} from './domain';

export const calendar = businessCalendar();
export const rules = shippedParkingRules();
export const cameras = shippedCameraRegister();
export const ctx = { rules, calendar };

export const SQUAD = 'dept.parking.jiefang';
export const actors = {
  officer: { subject: 'li.wei', department: SQUAD, roles: ['parking.officer'] },
  otherSquad: { subject: 'zhang.qiang', department: 'dept.parking.shanyang', roles: ['parking.officer'] },
  camera: { subject: 'camera-ingest', department: 'system.parking', roles: ['parking.camera'] },
  system: { subject: 'deadline-checker', department: 'system.parking', roles: ['system'] },
  planner: { subject: 'wu.fang', department: 'dept.parking.planning', roles: ['parking.planner'] },
  privacy: { subject: 'dpo', department: 'office.privacy', roles: ['privacy.officer'] },
} satisfies Record<string, Actor>;

export const vehicle: VehicleRef = { plateHash: 'a'.repeat(64), hashKeyId: 'k1', plateSealed: 'pd1.iv.body.tag', vehicleType: 'small_car' };
export const spot: Place = { lat: 35.2401, lon: 113.2337, cellId: 'P1401-0233', district: '解放区', road: '人民路' };

/** A Monday (2026-03-02) at 10:00 in Shanghai. */
export const MONDAY_10 = '2026-03-02T02:00:00.000Z';
export const shanghai = (local: string): string => new Date(`${local}+08:00`).toISOString();

export function record(over: Partial<RecordViolation['data']> = {}, actor: Actor = actors.officer): RecordViolation {
  return {
    type: 'RecordViolation',
    actor,
    data: {
      violationId: 'V-1',
      source: 'officer',
      camera: null,
      cameraId: '',
      vehicle,
      location: spot,
      kind: 'pavement',
      space: null,
      parkedSince: '',
      observedAt: MONDAY_10,
      photoRefs: ['p/1.jpg'],
      squad: SQUAD,
      obstructing: false,
      dispatchCaseId: '',
      at: MONDAY_10,
      ...over,
    },
  };
}

export const tidalSpace: SpaceFacts = { spaceId: 'S-T1', kind: 'tidal', maxMinutes: 0, windows: [{ weekdays: [1, 2, 3, 4, 5], from: '19:00', to: '07:00' }], removed: false };
export const markedSpace: SpaceFacts = { spaceId: 'S-M1', kind: 'marked', maxMinutes: 120, windows: [], removed: false };

/** The events a command produces from a history (for building the next `given`). */
export const cmd = <T extends ViolationCommand['type']>(type: T, data: Extract<ViolationCommand, { type: T }>['data'], actor: Actor = actors.officer) =>
  ({ type, data, actor }) as Extract<ViolationCommand, { type: T }>;

export type { ViolationEvent };
