import { type FacilityKind, type GradeStandard } from '../standards/standards';

/** 作业记录: one run, shift, round or collection reported by a vehicle or a crew terminal. */
export const WORK_KINDS = ['sweep', 'wash', 'manual_shift', 'toilet_round', 'collection'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];
/** 垃圾分类 streams of collected waste. */
export const WASTE_STREAMS = ['kitchen', 'recyclable', 'hazardous', 'residual'] as const;
export type WasteStream = (typeof WASTE_STREAMS)[number];

export type WorkRecord = Readonly<{
  deviceId: string;
  kind: WorkKind;
  startedAt: string;
  endedAt: string;
  /** Mechanical runs: distance driven, metres. */
  distanceM: number;
  /** Collections: tonnes and stream. */
  tonnes: number;
  stream: string;
}>;

/** The facility of a task as the register says (the handler looks it up). */
export type TaskFacility = Readonly<{ facilityId: string; kind: FacilityKind; district: string; contractor: string; grade: string }>;

/**
 * A facility's work of one day (`sanitation-task-<facilityId>-<yyyymmdd>`). Vehicles report in
 * batches: one event per accepted batch, not per record, and a record seen before (same device and
 * start) is skipped. Closing the day compares the work with the grade's standard: the finding.
 */
export type TaskEvent =
  | Readonly<{
      type: 'sanitation.task.work_recorded.v1';
      data: {
        taskId: string;
        facilityId: string;
        day: string;
        district: string;
        contractor: string;
        records: readonly WorkRecord[];
        recordedAt: string;
      };
    }>
  | Readonly<{
      type: 'sanitation.task.day_closed.v1';
      data: {
        taskId: string;
        facilityId: string;
        facilityKind: string;
        day: string;
        period: string;
        district: string;
        contractor: string;
        grade: string;
        runsRequired: number;
        runsDone: number;
        missingRuns: number;
        patrolHoursRequired: number;
        patrolHours: number;
        patrolHoursShort: number;
        toiletRounds: number;
        tonnes: number;
        closedAt: string;
      };
    }>;

export const TASK_EVENT_TYPES: readonly TaskEvent['type'][] = ['sanitation.task.work_recorded.v1', 'sanitation.task.day_closed.v1'];

export type TaskState =
  | Readonly<{ status: 'none' }>
  | Readonly<{ status: 'open' | 'closed'; facilityId: string; day: string; seen: readonly string[]; records: readonly WorkRecord[] }>;

export type Compliance = Readonly<{
  runsRequired: number;
  runsDone: number;
  missingRuns: number;
  patrolHoursRequired: number;
  patrolHours: number;
  patrolHoursShort: number;
  toiletRounds: number;
  tonnes: number;
}>;

/** The day's work against the grade's standard (grade 1: 3 sweeps and 16 h patrol …); roads only have a standard. */
export function compliance(records: readonly WorkRecord[], standard: GradeStandard | null): Compliance {
  const runsDone = records.filter((r) => r.kind === 'sweep').length;
  const hours = records
    .filter((r) => r.kind === 'manual_shift')
    .reduce((a, r) => a + (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 3_600_000, 0);
  const patrolHours = Math.round(hours * 100) / 100;
  const runsRequired = standard?.sweepsPerDay ?? 0;
  const patrolHoursRequired = standard?.patrolHours ?? 0;
  return {
    runsRequired,
    runsDone,
    missingRuns: Math.max(0, runsRequired - runsDone),
    patrolHoursRequired,
    patrolHours,
    patrolHoursShort: Math.round(Math.max(0, patrolHoursRequired - patrolHours) * 100) / 100,
    toiletRounds: records.filter((r) => r.kind === 'toilet_round').length,
    tonnes: Math.round(records.filter((r) => r.kind === 'collection').reduce((a, r) => a + r.tonnes, 0) * 1000) / 1000,
  };
}

export const recordKey = (r: Pick<WorkRecord, 'deviceId' | 'startedAt'>): string => `${r.deviceId}@${Date.parse(r.startedAt)}`;
export const taskIdOf = (facilityId: string, day: string): string => `${facilityId}-${day.replace(/-/g, '')}`;
export const taskStreamId = (taskId: string): string => `sanitation-task-${taskId}`;
