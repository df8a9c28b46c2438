import { IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { Roles, requireRole, requireSquad } from '../shared/actor';
import { vehicleRef } from '../shared/plate';
import { cameraIsEvidence } from '../rules/camera-register';
import { violationKind, type ParkingRules } from '../rules/parking-rules';
import { insideTidalWindow } from '../space/tidal-window';
import { Instant, photoRefs, place, spotKey, SquadId, text, toMillis, ViolationId, invalid } from '../shared/values';
import { type RecordViolation } from './violation-commands';
import { type ViolationEvent } from './violation-events';
import { type ViolationState } from './violation-state';

const localDate = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** Evidence of the kind: a tidal space outside its window, a marked space over its time. */
function checkSpace(command: RecordViolation, kind: string, observedMs: number): string {
  const { space, parkedSince } = command.data;
  if (kind !== 'tidal_outside_window' && kind !== 'marked_space_overtime') return space?.spaceId ?? '';
  if (space === null || space.removed) invalid('spaceId', `a violation of kind ${kind} needs a space of the register`);
  if (kind === 'tidal_outside_window') {
    if (space.kind !== 'tidal') invalid('spaceId', `${space.spaceId} is not a tidal space`);
    if (insideTidalWindow(space.windows, observedMs)) {
      throw new IllegalStateError(`${space.spaceId} is open for parking at ${command.data.observedAt}: not a violation`, {
        spaceId: space.spaceId,
      });
    }
  } else {
    if (space.kind !== 'marked') invalid('spaceId', `${space.spaceId} is not a marked space with a time limit`);
    const since = toMillis(Instant(parkedSince, 'parkedSince'));
    if (since > observedMs) invalid('parkedSince', 'is after the observation');
    if (space.maxMinutes <= 0 || observedMs - since <= space.maxMinutes * 60_000) {
      throw new IllegalStateError(`the vehicle has not overstayed ${space.spaceId}'s ${space.maxMinutes} minutes`, {
        spaceId: space.spaceId,
      });
    }
  }
  return space.spaceId;
}

/**
 * 违停取证. An officer records for their squad; a camera only from the published register (行政处罚法
 * Art 41) and for the squad the register names. The same vehicle at the same spot within the
 * window is the violation already recorded (a camera burst): nothing new is decided.
 */
export function recordViolation(command: RecordViolation, state: ViolationState, rules: ParkingRules): readonly ViolationEvent[] {
  const { actor, data } = command;
  const violationId = ViolationId(data.violationId);
  const vehicle = vehicleRef(data.vehicle);
  const location = place(data.location);
  const observedAt = Instant(data.observedAt, 'observedAt');
  const at = Instant(data.at);
  const observedMs = toMillis(observedAt);
  if (observedMs > toMillis(at) + 5 * 60_000) invalid('observedAt', 'lies in the future');
  if (state.status !== 'none') {
    const sameSighting = state.plateHash === vehicle.plateHash && state.spot === spotKey(location);
    if (sameSighting && Math.abs(observedMs - toMillis(state.observedAt)) <= rules.sameSpotWindowMinutes * 60_000) return [];
    throw new IllegalStateError(`violation ${violationId} is already recorded for another sighting`, { violationId });
  }
  const kind = violationKind(data.kind);
  let squad: SquadId;
  let cameraId = '';
  if (data.source === 'camera') {
    requireRole(actor, 'RecordViolation', Roles.camera, Roles.system);
    if (!cameraIsEvidence(data.camera, localDate(observedMs))) {
      throw new ValidationError(
        `camera ${JSON.stringify(data.cameraId)} is not in the published register (行政处罚法 Art 41): its records are not evidence`,
        [{ field: 'cameraId', message: 'not a published enforcement camera' }],
      );
    }
    cameraId = data.camera.cameraId;
    squad = SquadId(data.camera.squad);
  } else if (data.source === 'officer') {
    requireRole(actor, 'RecordViolation', Roles.officer);
    squad = SquadId(data.squad);
    requireSquad(actor, 'RecordViolation', squad);
  } else {
    return invalid('source', `must be officer or camera, got ${JSON.stringify(data.source)}`);
  }
  const photos = photoRefs(data.photoRefs);
  if (photos.length === 0) invalid('photoRefs', 'a violation needs at least one photo (行政处罚法 Art 47: the procedure recorded)');
  const spaceId = checkSpace(command, kind, observedMs);
  return [
    {
      type: 'parking.violation.recorded.v1',
      data: {
        violationId,
        source: data.source,
        cameraId,
        vehicle,
        location,
        kind,
        spaceId,
        observedAt,
        photoRefs: photos,
        squad,
        obstructing: data.obstructing || rules.obstructiveKinds.includes(kind),
        tableFine: rules.fines[kind],
        dispatchCaseId: data.dispatchCaseId === '' ? '' : text(data.dispatchCaseId, 'dispatchCaseId', 80),
        recordedBy: actor.subject,
        recordedAt: at,
      },
    },
  ];
}
