import { deciderSpec, ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { shippedStandards } from '../standards/standards';
import { compliance, type TaskEvent, type TaskFacility, type WorkRecord } from './task-events';
import { taskDecider } from './task';

const standards = shippedStandards();
const spec = deciderSpec(taskDecider);
const crew = { subject: 'gateway.huanjie', department: 'contractor.huanjie', roles: ['sanitation.crew'] };
const otherCrew = { subject: 'gateway.qingyuan', department: 'contractor.qingyuan', roles: ['sanitation.crew'] };
const system = { subject: 'day-closer', department: 'system.sanitation', roles: ['system'] };
const ROAD: TaskFacility = {
  facilityId: '4108020399000001',
  kind: 'road',
  district: '解放区',
  contractor: 'contractor.huanjie',
  grade: '1',
};
const DEVICES = { 'SW-01': 'contractor.huanjie', 'T-07': 'contractor.huanjie', 'SW-99': 'contractor.qingyuan' };
const DAY = '2025-03-04';
const AT = '2025-03-04T12:00:00.000Z';
const sweep = (hourUtc: number, deviceId = 'SW-01') => ({
  deviceId,
  kind: 'sweep',
  startedAt: `2025-03-04T0${hourUtc}:00:00.000Z`,
  endedAt: `2025-03-04T0${hourUtc}:40:00.000Z`,
  distanceM: 2400,
});
const asRecord = (r: ReturnType<typeof sweep>): WorkRecord => ({ ...r, kind: 'sweep', tonnes: 0, stream: '' });
const recordWork = (records: readonly Record<string, unknown>[], actor = crew) =>
  ({ type: 'RecordWork', actor, data: { facility: ROAD, day: DAY, devices: DEVICES, records, at: AT } }) as const;
const worked = (records: WorkRecord[]): TaskEvent => ({
  type: 'sanitation.task.work_recorded.v1',
  data: {
    taskId: '4108020399000001-20250304',
    facilityId: ROAD.facilityId,
    day: DAY,
    district: '解放区',
    contractor: 'contractor.huanjie',
    records,
    recordedAt: AT,
  },
});

describe('grade standards as data', () => {
  it('grade 1: 3 sweeps and 16 h; grade 2: 2 and 14 h; grade 3: 2 and 12 h', () => {
    expect(Object.fromEntries(standards.grades)).toEqual({
      '1': { sweepsPerDay: 3, patrolHours: 16 },
      '2': { sweepsPerDay: 2, patrolHours: 14 },
      '3': { sweepsPerDay: 2, patrolHours: 12 },
    });
  });
  it('compliance counts sweeps and patrol hours against the grade', () => {
    const shift = (from: string, to: string): WorkRecord => ({
      deviceId: 'T-07',
      kind: 'manual_shift',
      startedAt: from,
      endedAt: to,
      distanceM: 0,
      tonnes: 0,
      stream: '',
    });
    const c = compliance(
      [
        asRecord(sweep(1)),
        asRecord(sweep(3)),
        shift('2025-03-03T22:00:00Z', '2025-03-04T06:00:00Z'),
        shift('2025-03-04T06:00:00Z', '2025-03-04T13:30:00Z'),
      ],
      standards.grades.get('1')!,
    );
    expect(c).toMatchObject({
      runsRequired: 3,
      runsDone: 2,
      missingRuns: 1,
      patrolHoursRequired: 16,
      patrolHours: 15.5,
      patrolHoursShort: 0.5,
    });
  });
  it('more runs than required are not negative missing runs', () =>
    expect(compliance([asRecord(sweep(1)), asRecord(sweep(2)), asRecord(sweep(3))], standards.grades.get('2')!).missingRuns).toBe(0));
});

describe('RecordWork: batches from vehicles and crews', () => {
  it('records a batch as one event', () =>
    spec
      .given([])
      .when(recordWork([sweep(1), sweep(3)]))
      .then([worked([asRecord(sweep(1)), asRecord(sweep(3))])]));
  it('is idempotent by device and start: a resent batch records only the new records', () => {
    spec
      .given([worked([asRecord(sweep(1))])])
      .when(recordWork([sweep(1)]))
      .then([]);
    spec
      .given([worked([asRecord(sweep(1))])])
      .when(recordWork([sweep(1), sweep(3), sweep(3)]))
      .then([worked([asRecord(sweep(3))])]);
  });
  it('a record from an unknown vehicle refuses the batch', () =>
    spec
      .given([])
      .when(recordWork([sweep(1), sweep(2, 'SW-404')]))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/records\[1\]\.deviceId: unknown vehicle/)));
  it("another contractor's vehicle cannot work this road", () =>
    spec
      .given([])
      .when(recordWork([sweep(1, 'SW-99')]))
      .thenThrows(ValidationError));
  it("another contractor's crew cannot report on this road", () =>
    spec
      .given([])
      .when(recordWork([sweep(1)], otherCrew))
      .thenThrows(ForbiddenError));
  it('a record must fall on the day (Shanghai time) and end after it starts', () => {
    spec
      .given([])
      .when(recordWork([{ ...sweep(1), startedAt: '2025-03-03T15:00:00.000Z', endedAt: '2025-03-03T15:30:00.000Z' }]))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(recordWork([{ ...sweep(1), endedAt: '2025-03-04T00:00:00.000Z' }]))
      .thenThrows(ValidationError);
  });
  it('a collection needs tonnes and a classification stream', () => {
    const c = { deviceId: 'T-07', kind: 'collection', startedAt: '2025-03-04T01:00:00.000Z', endedAt: '2025-03-04T01:30:00.000Z' };
    spec
      .given([])
      .when(recordWork([{ ...c, tonnes: 2.5 }]))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(recordWork([{ ...c, tonnes: -1, stream: 'kitchen' }]))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(recordWork([{ ...c, tonnes: 2.5, stream: 'kitchen' }]))
      .then([worked([{ ...c, kind: 'collection', distanceM: 0, tonnes: 2.5, stream: 'kitchen' }])]);
  });
  it('an unknown road is refused', () =>
    spec
      .given([])
      .when({ ...recordWork([sweep(1)]), data: { ...recordWork([sweep(1)]).data, facility: null } })
      .thenThrows(ValidationError));
  it('an empty batch is refused', () => spec.given([]).when(recordWork([])).thenThrows(ValidationError));
});

describe('CloseDay: the compliance finding', () => {
  const close = (at: string) =>
    ({ type: 'CloseDay', actor: system, data: { facility: ROAD, day: DAY, standard: standards.grades.get('1')!, at } }) as const;
  const END = '2025-03-04T16:00:00.000Z';
  it('not before the day ended (Shanghai midnight)', () =>
    spec.given([]).when(close('2025-03-04T15:59:00.000Z')).thenThrows(IllegalStateError));
  it('a day with two sweeps on a grade-1 road misses one run', () => {
    const events = taskDecider.decide(
      close(END),
      [worked([asRecord(sweep(1)), asRecord(sweep(3))])].reduce(taskDecider.evolve, taskDecider.initialState()),
    );
    expect(events[0]!.data).toMatchObject({ period: '2025-03', runsRequired: 3, runsDone: 2, missingRuns: 1, patrolHoursShort: 16 });
  });
  it('a day without any record misses every run', () =>
    expect(taskDecider.decide(close(END), { status: 'none' })[0]!.data).toMatchObject({ missingRuns: 3 }));
  it('closes once; later records for the day are refused', () => {
    const closed = taskDecider.decide(close(END), { status: 'none' });
    spec
      .given([...closed])
      .when(close(END))
      .then([]);
    spec
      .given([...closed])
      .when(recordWork([sweep(1)]))
      .thenThrows(IllegalStateError);
  });
  it('crews do not close days', () =>
    spec
      .given([])
      .when({ ...close(END), actor: crew })
      .thenThrows(ForbiddenError));
});
