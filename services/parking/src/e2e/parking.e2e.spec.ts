// The parking service in-process against the real broker and database: camera frames → one
// violation → notice → penalty → unpaid → surcharge → hand-over to the traffic police across a
// restart; a driver moved on; a ground lock ordered, reminded and removed by the squad; bad input
// refused with nothing stored; the events on the topic as CloudEvents without a plate in clear.
import { status } from '@grpc/grpc-js';
import { TestClock } from '@yiwang/kernel-core';
import {
  type CommandResponse,
  type GetObstructionResponse,
  type GetPlateHistoryResponse,
  type GetViolationResponse,
  type GetWeeklyTableResponse,
  type RecordCameraSightingsResponse,
} from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { startParkingService, type ParkingService } from '../service';
import { call, client, grpcError, people, readTopic, testEnvironment, until } from '../parking.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let parking: ParkingService;
const clock = new TestClock('2026-03-02T10:00:00+08:00');

beforeAll(async () => {
  env = await testEnvironment(__filename);
  parking = await startParkingService(env.config, { clock });
}, 60_000);
afterAll(async () => {
  await parking?.stop();
  await env?.t.close();
});

const at = (local: string) => `${local}+08:00`;
const frame = (plate: string, minute: number, over: object = {}) => ({
  cameraId: 'CAM-JF-001',
  plate,
  vehicleType: 'small_car',
  lat: 35.2401,
  lon: 113.2337,
  road: '',
  kind: 'no_parking_zone',
  observedAt: at(`2026-03-02T09:${String(50 + minute).padStart(2, '0')}:00`),
  photoRef: `cam/${plate}/${minute}.jpg`,
  ...over,
});
const view = async (who: Awaited<ReturnType<typeof client>>, violationId: string) =>
  (await call<GetViolationResponse>(who, 'getViolation', { violationId })).violation!;

it('camera burst → one violation → notice → penalty → unpaid → surcharge → transferred, across a restart', async () => {
  const camera = await client(parking.grpcAddress, people.camera);
  const officer = await client(parking.grpcAddress, people.officer);
  const burst = [0, 0.2, 0.4, 0.6, 0.8].map((_, i) => frame('豫H12345', i === 0 ? 0 : 1, { photoRef: `cam/burst/${i}.jpg` }));
  const first = await call<RecordCameraSightingsResponse>(camera, 'recordCameraSightings', {
    batchId: 'B-1',
    sightings: [...burst, frame('豫HD12345', 2)],
  });
  expect(first).toMatchObject({ stored: 6, findings: 2, merged: 0 });
  expect(first.violationIds).toHaveLength(2);
  const resent = await call<RecordCameraSightingsResponse>(camera, 'recordCameraSightings', {
    batchId: 'B-1',
    sightings: [...burst, frame('豫HD12345', 2)],
  });
  expect(resent).toMatchObject({ stored: 0, findings: 2, violationIds: [] });

  // A frame from a camera outside the published register refuses the whole batch (Art 41).
  const refused = await grpcError(
    call(camera, 'recordCameraSightings', {
      batchId: 'B-2',
      sightings: [frame('豫H54321', 3), frame('豫H54321', 3, { cameraId: 'CAM-UNKNOWN' })],
    }),
  );
  expect(refused.code).toBe(status.INVALID_ARGUMENT);
  expect(refused.details).toContain('published register');
  expect((await parking.store.readStream('parking-violation-none')).version).toBe(0);

  const id = first.violationIds[0]!;
  const recorded = await until(async () => view(officer, id), 20_000, 'violation read model');
  expect(recorded).toMatchObject({ source: 'camera', squad: 'dept.parking.jiefang', district: '解放区', plate: '豫H***45', photoCount: 5 });
  await call<CommandResponse>(officer, 'issueNotice', { violationId: id, noticeNo: 'JF-2026-0001' });
  const decided = await call<CommandResponse>(officer, 'decidePenalty', { violationId: id, decisionNo: 'JF-D-0001' });
  expect(decided.status).toBe('penalised');
  await until(async () => (await view(officer, id)).status === 'penalised', 20_000, 'penalised');

  // Nothing falls due while the payment period runs.
  expect(await parking.deadlines.scanOnce()).toBe(0);

  // Restart in the middle: the deadline lives in the read model, not in memory.
  await parking.stop();
  clock.set('2026-04-02T10:00:00+08:00');
  parking = await startParkingService(env.config, { clock });
  const officer2 = await client(parking.grpcAddress, people.officer);
  // The service's own leased scan may act first; a scan here only makes it sooner.
  const transferred = await until(
    async () => {
      await parking.deadlines.scanOnce();
      const v = await view(officer2, id);
      return v.status === 'closed' ? v : null;
    },
    40_000,
    'transferred by the deadline scan',
  );
  expect(transferred).toMatchObject({ outcome: 'transferred', surcharge: 48, fine: 100 });

  // Repeat offenders by the keyed hash, in clear only for the plates role; erasure empties it.
  const plates = await client(parking.grpcAddress, people.plates);
  const history = await call<GetPlateHistoryResponse>(plates, 'getPlateHistory', { plate: '豫H12345' });
  expect(history.violations.map((v) => v.plate)).toEqual(['豫H12345']);
  expect((await grpcError(call(officer2, 'getPlateHistory', { plate: '豫H12345' }))).code).toBe(status.PERMISSION_DENIED);
  const privacy = await client(parking.grpcAddress, people.privacy);
  await call<CommandResponse>(privacy, 'eraseViolationPersonalData', { violationId: id });
  expect((await view(plates, id)).plate).toBe('');

  const messages = await readTopic(env.broker, env.config.topic, 5);
  const mine = messages
    .filter((m) => m.event.streamId === `parking-violation-${id}`)
    .map((m) => m.event.type.replace(/^parking\.violation\.|\.v1$/g, ''));
  expect(mine.slice(0, 5)).toEqual(['recorded', 'notice_issued', 'penalty_decided', 'transferred', 'closed']);
  for (const m of messages) {
    expect(m.headers).toMatchObject({ ce_specversion: '1.0', ce_source: '/yiwang/parking' });
    expect(m.raw).not.toContain('豫H12345');
  }
  for (const c of [camera, officer, officer2, plates, privacy]) c.close();
}, 90_000);

it('a driver moved on; a ground lock ordered, reminded and removed by the squad; the weekly table counts them', async () => {
  clock.set('2026-04-06T10:00:00+08:00'); // Qingming: no enforcement today, but records are fine
  clock.set('2026-04-07T10:00:00+08:00');
  const officer = await client(parking.grpcAddress, people.officer);
  const moved = await call<CommandResponse>(officer, 'recordViolation', {
    plate: '豫H88888',
    vehicleType: 'small_car',
    lat: 35.2405,
    lon: 113.2301,
    road: '解放路',
    kind: 'pavement',
    photoRefs: ['p/1.jpg'],
    squad: 'dept.parking.jiefang',
  });
  const done = await call<CommandResponse>(officer, 'warnDriver', { violationId: moved.id, complied: true, expectedVersion: 1 });
  expect(done).toMatchObject({ status: 'closed', eventTypes: ['parking.violation.driver_warned.v1', 'parking.violation.closed.v1'] });

  const lock = {
    obstructionId: 'O-JF-1',
    kind: 'ground_lock',
    location: { lat: 35.241, lon: 113.231, road: '民主路' },
    owner: '王某 139xxxx0000',
    photoRefs: ['o/1.jpg'],
    squad: 'dept.parking.jiefang',
    campaign: '拔桩拆锁',
  };
  await call<CommandResponse>(officer, 'surveyObstruction', lock);
  const ordered = await call<CommandResponse>(officer, 'orderRemoval', { obstructionId: 'O-JF-1', orderNo: 'JF-Z-1' });
  expect(ordered.status).toBe('ordered');
  clock.set('2026-04-15T09:30:00+08:00'); // past the 5 working days
  await until(
    async () => {
      await parking.deadlines.scanOnce();
      return (await call<GetObstructionResponse>(officer, 'getObstruction', { obstructionId: 'O-JF-1' })).overdue;
    },
    30_000,
    'removal overdue',
  );
  await call<CommandResponse>(officer, 'serveRemovalReminder', { obstructionId: 'O-JF-1', scheduledRemovalAt: at('2026-04-21T10:00:00') });
  clock.set('2026-04-21T10:30:00+08:00');
  const removed = await call<CommandResponse>(officer, 'recordRemoval', { obstructionId: 'O-JF-1', by: 'squad', costYuan: 80 });
  expect(removed.status).toBe('removed');
  const o = await until(
    async () => {
      const r = await call<GetObstructionResponse>(officer, 'getObstruction', { obstructionId: 'O-JF-1' });
      return r.status === 'removed' ? r : null;
    },
    20_000,
    'obstruction read model',
  );
  expect(o).toMatchObject({ overdue: true, removedBy: 'squad', costYuan: 80 });

  const table = await until(
    async () => {
      const t = await call<GetWeeklyTableResponse>(officer, 'getWeeklyTable', { dimension: 1, weekOf: '2026-04-07' });
      return t.rows.find((r) => r.key === '解放区')?.movedOn === 1 ? t : null;
    },
    20_000,
    'weekly table',
  );
  expect(table.weekStart).toBe('2026-04-06');
  const removals = await call<GetWeeklyTableResponse>(officer, 'getWeeklyTable', { dimension: 2, weekOf: '2026-04-21' });
  expect(removals.rows.find((r) => r.key === 'dept.parking.jiefang')).toMatchObject({ removals: 1, removedLocks: 1, rank: 1 });
  officer.close();
}, 60_000);

it('refuses the unauthenticated, other squads, bad input and stale versions, storing nothing', async () => {
  const anonymous = await client(parking.grpcAddress, null);
  const officer = await client(parking.grpcAddress, people.officer);
  const other = await client(parking.grpcAddress, people.shanyang);
  const base = {
    violationId: 'V-BAD',
    plate: '豫H12345',
    vehicleType: 'small_car',
    lat: 35.2401,
    lon: 113.2337,
    road: '人民路',
    kind: 'pavement',
    photoRefs: ['p/1.jpg'],
    squad: 'dept.parking.jiefang',
  };
  expect((await grpcError(call(anonymous, 'recordViolation', base))).code).toBe(status.UNAUTHENTICATED);
  expect((await grpcError(call(other, 'recordViolation', base))).code).toBe(status.PERMISSION_DENIED);
  const bad = async (over: object, text: string) => {
    const e = await grpcError(call(officer, 'recordViolation', { ...base, ...over }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toContain(text);
  };
  await bad({ plate: '豫H1234' }, 'not a mainland plate');
  await bad({ plate: '豫HD1234X' }, 'new-energy');
  await bad({ lat: 39.9, lon: 116.4 }, 'outside 焦作市');
  await bad({ kind: 'double_parking' }, 'unknown violation kind');
  expect((await parking.store.readStream('parking-violation-V-BAD')).version).toBe(0);

  await call<CommandResponse>(officer, 'recordViolation', base);
  const fine = await grpcError(call(officer, 'issueNotice', { violationId: 'V-BAD', noticeNo: 'N', fine: 201 }));
  expect(fine.code).toBe(status.INVALID_ARGUMENT);
  expect(fine.details).toContain('between 20 and 200');
  expect((await grpcError(call(other, 'issueNotice', { violationId: 'V-BAD', noticeNo: 'N' }))).code).toBe(status.PERMISSION_DENIED);
  expect((await grpcError(call(officer, 'issueNotice', { violationId: 'V-BAD', noticeNo: 'N', expectedVersion: 0 }))).code).toBe(
    status.ABORTED,
  );
  expect((await parking.store.readStream('parking-violation-V-BAD')).version).toBe(1);
  for (const c of [anonymous, officer, other]) c.close();
});

it('serves /healthz, /openapi.json and the read API with a token', async () => {
  expect((await fetch(`${parking.httpAddress}/healthz`)).status).toBe(200);
  const spec = (await (await fetch(`${parking.httpAddress}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/weekly/{dimension}', '/v1/violations/{id}']));
  expect((await fetch(`${parking.httpAddress}/v1/weekly/district`)).status).toBe(401);
});
