import { assertNever, IllegalStateError, ValidationError, type Decider } from '@yiwang/kernel-core';
import { requireResponsible, requireRole, Roles, type Actor } from '../shared/actor';
import { fail, Instant, positiveNumber, shanghaiDay, text } from '../shared/values';
import { type GradeStandard } from '../standards/standards';
import {
  compliance,
  recordKey,
  taskIdOf,
  WASTE_STREAMS,
  WORK_KINDS,
  type TaskEvent,
  type TaskFacility,
  type TaskState,
  type WorkKind,
  type WorkRecord,
} from './task-events';

export type WorkRecordInput = Readonly<Record<string, unknown>>;

/**
 * `devices` maps each reporting device to its contractor (from the device register); a device the
 * register does not know, or another contractor's, is refused — the whole batch, nothing stored.
 */
export type TaskCommand =
  | Readonly<{
      type: 'RecordWork';
      actor: Actor;
      data: {
        facility: TaskFacility | null;
        day: string;
        devices: Readonly<Record<string, string>>;
        records: readonly WorkRecordInput[];
        at: string;
      };
    }>
  | Readonly<{
      type: 'CloseDay';
      actor: Actor;
      data: { facility: TaskFacility | null; day: string; standard: GradeStandard | null; at: string };
    }>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayEndMs = (day: string): number => Date.parse(`${day}T00:00:00+08:00`) + 86_400_000;

function workRecord(
  input: WorkRecordInput,
  i: number,
  day: string,
  devices: Readonly<Record<string, string>>,
  contractor: string,
): WorkRecord {
  const f = (name: string) => `records[${i}].${name}`;
  const deviceId = text(input.deviceId, f('deviceId'), 80);
  const owner = devices[deviceId];
  if (owner === undefined)
    fail(f('deviceId'), `unknown vehicle or device ${deviceId}`, `${f('deviceId')}: unknown vehicle or device ${deviceId}`);
  if (owner !== contractor) fail(f('deviceId'), `device ${deviceId} belongs to ${owner}, not to the facility's contractor ${contractor}`);
  const kind = input.kind;
  if (!(WORK_KINDS as readonly unknown[]).includes(kind)) fail(f('kind'), `must be one of ${WORK_KINDS.join(', ')}`);
  const startedAt = Instant(input.startedAt, f('startedAt'));
  const endedAt = Instant(input.endedAt, f('endedAt'));
  const span = Date.parse(endedAt) - Date.parse(startedAt);
  if (span <= 0 || span > 86_400_000) fail(f('endedAt'), 'must be after startedAt and within 24 h of it');
  if (shanghaiDay(startedAt) !== day) fail(f('startedAt'), `is not on ${day} (Shanghai time)`);
  const collection = kind === 'collection';
  const tonnes = collection ? positiveNumber(input.tonnes, f('tonnes'), { max: 1000 }) : 0;
  const stream = collection ? String(input.stream ?? '') : '';
  if (collection && !(WASTE_STREAMS as readonly string[]).includes(stream)) fail(f('stream'), `must be one of ${WASTE_STREAMS.join(', ')}`);
  const distanceM = positiveNumber(input.distanceM ?? 0, f('distanceM'), { zero: true, max: 1_000_000 });
  return { deviceId, kind: kind as WorkKind, startedAt, endedAt, distanceM, tonnes, stream };
}

function known(facility: TaskFacility | null): TaskFacility {
  if (facility === null)
    throw new ValidationError('unknown facility', [{ field: 'facilityId', message: 'not in the register (or retired)' }]);
  return facility;
}

export function decideTask(command: TaskCommand, state: TaskState): readonly TaskEvent[] {
  const at = Instant(command.data.at);
  const day =
    typeof command.data.day === 'string' && DAY.test(command.data.day) ? command.data.day : fail('day', 'must be a date like 2025-03-04');
  switch (command.type) {
    case 'RecordWork': {
      requireRole(command.actor, command.type, Roles.crew, Roles.system, Roles.admin);
      const facility = known(command.data.facility);
      requireResponsible(command.actor, command.type, facility.contractor);
      if (state.status === 'closed') throw new IllegalStateError(`the work sheet of ${facility.facilityId} for ${day} is closed`);
      const raw = command.data.records;
      if (!Array.isArray(raw) || raw.length === 0 || raw.length > 1000) fail('records', 'a batch holds 1 to 1000 records');
      const seen = new Set(state.status === 'none' ? [] : state.seen);
      const records: WorkRecord[] = [];
      raw.forEach((input, i) => {
        const r = workRecord(input, i, day, command.data.devices, facility.contractor);
        // Idempotent by device + start: a gateway's resent batch adds nothing.
        if (seen.has(recordKey(r))) return;
        seen.add(recordKey(r));
        records.push(r);
      });
      if (records.length === 0) return [];
      const taskId = taskIdOf(facility.facilityId, day);
      return [
        {
          type: 'sanitation.task.work_recorded.v1',
          data: {
            taskId,
            facilityId: facility.facilityId,
            day,
            district: facility.district,
            contractor: facility.contractor,
            records,
            recordedAt: at,
          },
        },
      ];
    }
    case 'CloseDay': {
      requireRole(command.actor, command.type, Roles.system, Roles.admin);
      const facility = known(command.data.facility);
      if (state.status === 'closed') return [];
      if (Date.parse(at) < dayEndMs(day)) throw new IllegalStateError(`${day} has not ended yet`);
      const c = compliance(state.status === 'none' ? [] : state.records, command.data.standard);
      return [
        {
          type: 'sanitation.task.day_closed.v1',
          data: {
            taskId: taskIdOf(facility.facilityId, day),
            facilityId: facility.facilityId,
            facilityKind: facility.kind,
            day,
            period: day.slice(0, 7),
            district: facility.district,
            contractor: facility.contractor,
            grade: facility.grade,
            ...c,
            closedAt: at,
          },
        },
      ];
    }
    default:
      return assertNever(command, 'task command');
  }
}

export function evolveTask(state: TaskState, event: TaskEvent): TaskState {
  switch (event.type) {
    case 'sanitation.task.work_recorded.v1': {
      const base = state.status === 'none' ? { seen: [], records: [] } : state;
      return {
        status: 'open',
        facilityId: event.data.facilityId,
        day: event.data.day,
        seen: [...base.seen, ...event.data.records.map(recordKey)],
        records: [...base.records, ...event.data.records],
      };
    }
    case 'sanitation.task.day_closed.v1':
      return {
        status: 'closed',
        facilityId: event.data.facilityId,
        day: event.data.day,
        seen: state.status === 'none' ? [] : state.seen,
        records: state.status === 'none' ? [] : state.records,
      };
    default:
      return assertNever(event, 'task event');
  }
}

export const taskDecider: Decider<TaskCommand, TaskEvent, TaskState> = {
  initialState: () => ({ status: 'none' }),
  decide: decideTask,
  evolve: evolveTask,
};
