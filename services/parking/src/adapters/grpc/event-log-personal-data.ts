import type { LoggedEvent } from '@yiwang/kernel-core';
import { isSealed, type PersonalDataVault } from '@yiwang/kernel-mongodb';
import { type PersonalDataPolicy } from '@yiwang/event-log';
import { type ObstructionSurveyed, type ViolationRecorded } from '../../domain';
import { ownerSubject, vehicleSubject } from '../../application/plate-keys';

const RECORDED = 'parking.violation.recorded.v1';
const SURVEYED = 'parking.obstruction.surveyed.v1';

/** The event without sealed plates or owners; other events as they are. */
export function redactParkingPersonalData(event: LoggedEvent): LoggedEvent {
  if (event.type === RECORDED) {
    const data = event.data as ViolationRecorded['data'];
    return { ...event, data: { ...data, vehicle: { ...data.vehicle, plateSealed: '' } } };
  }
  if (event.type === SURVEYED) return { ...event, data: { ...(event.data as ObstructionSurveyed['data']), ownerSealed: '' } };
  return event;
}

/**
 * What parking's event log hands out (PIPL). Redacted: no sealed plate or owner (the keyed hash
 * stays, so analysts can still count repeat offenders). Revealed (role `analyst.personal-data`):
 * opened with the vault — empty once erased.
 */
export function parkingPersonalDataPolicy(vault: PersonalDataVault): PersonalDataPolicy {
  const open = async (subject: string, value: string): Promise<string> =>
    isSealed(value) ? ((await vault.open(subject, value)) ?? '') : value;
  return {
    redact: redactParkingPersonalData,
    reveal: async (event: LoggedEvent): Promise<LoggedEvent> => {
      if (event.type === RECORDED) {
        const data = event.data as ViolationRecorded['data'];
        return {
          ...event,
          data: {
            ...data,
            vehicle: { ...data.vehicle, plateSealed: await open(vehicleSubject(data.vehicle.plateHash), data.vehicle.plateSealed) },
          },
        };
      }
      if (event.type === SURVEYED) {
        const data = event.data as ObstructionSurveyed['data'];
        return { ...event, data: { ...data, ownerSealed: await open(ownerSubject(data.obstructionId), data.ownerSealed) } };
      }
      return event;
    },
  };
}
