import { ForbiddenError } from '@yiwang/kernel-core';
import { CAUSES, type Cause } from '../config';
import { hasRole, HeatingRoles, requireCompany } from '../shared/actor';
import { DeciCelsius, Instant, invalid, nonEmptyText, oneOf, optionalText, photoRefs, toMillis } from '../shared/values';
import {
  RESIDENT_RESPONSES,
  ROOM_TYPES,
  type ComplaintEvent,
  type MeasurementKind,
  type MeasurementMethod,
  type RoomReading,
  type TemperatureMeasured,
} from './complaint-events';
import { type RecordMeasurement, type ReportFix } from './complaint-commands';
import { endPeriod, mustBeIn, mustExist } from './complaint-rules';
import { type ComplaintState, type ExistingComplaint } from './complaint-state';

/** The thermometer ~1 m above the floor (GB/T/local rules: 0.8–1.2 m accepted as "about 1 m"). */
export const HEIGHT_CM = { min: 80, max: 120 } as const;
/** Doors and windows closed at least one hour before reading. */
export const DOORS_CLOSED_MIN_MINUTES = 60;
const MAX_ROOMS = 20;

function rooms(value: RecordMeasurement['data']['rooms']): readonly RoomReading[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ROOMS)
    invalid('rooms', `must list 1–${MAX_ROOMS} rooms with their readings`);
  const list = value.map((r, i) => ({
    room: nonEmptyText(r.room, `rooms[${i}].room`, 40),
    roomType: oneOf(r.roomType, `rooms[${i}].roomType`, ROOM_TYPES),
    deci: DeciCelsius(r.celsius, `rooms[${i}].celsius`),
  }));
  if (!list.some((r) => r.roomType !== 'other')) invalid('rooms', 'must include a bedroom or living room (the standard applies to them)');
  return list;
}

function method(value: RecordMeasurement['data']['method']): MeasurementMethod {
  const m = value ?? ({} as RecordMeasurement['data']['method']);
  if (!Number.isInteger(m.doorsClosedMinutes) || m.doorsClosedMinutes < DOORS_CLOSED_MIN_MINUTES) {
    invalid(
      'method.doorsClosedMinutes',
      `must be at least ${DOORS_CLOSED_MIN_MINUTES} (doors and windows closed ≥ 1 h before reading)`,
      String(m.doorsClosedMinutes),
    );
  }
  oneOf(m.position, 'method.position', ['room_centre'] as const);
  if (!Number.isInteger(m.heightCm) || m.heightCm < HEIGHT_CM.min || m.heightCm > HEIGHT_CM.max) {
    invalid('method.heightCm', `must be ${HEIGHT_CM.min}–${HEIGHT_CM.max} (thermometer about 1 m high)`, String(m.heightCm));
  }
  return { doorsClosedMinutes: m.doorsClosedMinutes, position: 'room_centre', heightCm: m.heightCm };
}

/** Who may measure now, and what kind of measurement it is; a lab only when ordered, the company otherwise. */
function kindFor(s: ExistingComplaint, command: RecordMeasurement): MeasurementKind {
  if (s.status === 'disputed') {
    if (s.labId !== null && hasRole(command.actor, HeatingRoles.lab) && command.actor.department === s.labId) return 'third_party';
    throw new ForbiddenError(`${command.type}: a disputed complaint is measured by the ordered lab only`, {
      subject: command.actor.subject,
      command: command.type,
    });
  }
  requireCompany(command.actor, command.type, s.companyId);
  return mustBeIn(s, command.type, 'awaiting_measurement', 'substandard').status === 'awaiting_measurement' ? 'initial' : 'remeasurement';
}

/**
 * 入户测温. The reading decides: all bedrooms and living rooms ≥ the standard → compliant (closed,
 * or the period ends with its refund); otherwise sub-standard, the period starting at the complaint.
 * A resident's dispute of a company reading waits for the third-party test, whose reading overrides.
 */
export function recordMeasurement(command: RecordMeasurement, state: ComplaintState): readonly ComplaintEvent[] {
  const existing = mustExist(state, command.type);
  const kind = kindFor(existing, command);
  const s = mustBeIn(existing, command.type, 'awaiting_measurement', 'substandard', 'disputed');
  const d = command.data;
  const at = Instant(d.at);
  const readings = rooms(d.rooms);
  const how = method(d.method);
  const residentResponse = oneOf(d.residentResponse, 'residentResponse', RESIDENT_RESPONSES);
  const photos = photoRefs(d.photoRefs);
  const lowestDeci = Math.min(...readings.filter((r) => r.roomType !== 'other').map((r) => r.deci));
  const compliant = lowestDeci >= s.terms.standardDeci;
  const cause: Cause | null = compliant ? null : oneOf(d.cause, 'cause', CAUSES);
  const fixDeadline = compliant ? null : Instant(d.fixDeadline, 'fixDeadline');
  if (fixDeadline !== null && toMillis(fixDeadline) <= toMillis(at)) invalid('fixDeadline', `must be after ${at}`);
  const deadline =
    s.status === 'awaiting_measurement' ? s.measureDeadline : s.status === 'disputed' && s.period === null ? (s.measureDeadline ?? '') : '';
  const onTime = deadline === '' || toMillis(at) <= toMillis(deadline);
  const { complaintId, companyId } = s;
  const measured: TemperatureMeasured = {
    type: 'heating.complaint.measured.v1',
    data: {
      complaintId,
      companyId,
      kind,
      rooms: readings,
      method: how,
      measuredBy: command.actor.subject,
      department: command.actor.department,
      photoRefs: photos,
      residentResponse,
      lowestDeci,
      compliant,
      deadline,
      onTime,
      note: optionalText(d.note, 'note'),
      measuredAt: at,
    },
  };
  if (residentResponse === 'disputed' && kind !== 'third_party') return [measured];
  const period = 'period' in s ? s.period : null;
  if (!compliant) {
    const since = period?.since ?? s.receivedAt;
    return [
      measured,
      {
        type: 'heating.complaint.substandard_found.v1',
        data: { complaintId, companyId, since, lowestDeci, cause: cause!, fixDeadline: fixDeadline!, foundAt: at },
      },
    ];
  }
  if (period === null)
    return [measured, { type: 'heating.complaint.closed.v1', data: { complaintId, companyId, outcome: 'compliant', closedAt: at } }];
  return [measured, ...endPeriod(s, period, at)];
}

/** 整改完成: on time when reported by the fix limit; the re-measurement decides whether it worked. */
export function reportFix(command: ReportFix, state: ComplaintState): readonly ComplaintEvent[] {
  const existing = mustExist(state, command.type);
  requireCompany(command.actor, command.type, existing.companyId);
  const s = mustBeIn(existing, command.type, 'substandard');
  if (s.fixReportedAt !== null) return [];
  const at = Instant(command.data.at);
  const notes = nonEmptyText(command.data.notes, 'notes');
  const photos = photoRefs(command.data.photoRefs);
  const onTime = toMillis(at) <= toMillis(s.fixDeadline);
  return [
    {
      type: 'heating.complaint.fix_reported.v1',
      data: {
        complaintId: s.complaintId,
        companyId: s.companyId,
        notes,
        photoRefs: photos,
        fixDeadline: s.fixDeadline,
        onTime,
        reportedAt: at,
      },
    },
  ];
}
