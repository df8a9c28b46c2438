// The whole sanitation service in-process against the real broker and database: the register
// imported over HTTP (bad rows listed), devices, a day of work records, 以克论净 inspections with a
// failed road opening a rectification that passes its deadline, the day closed against the
// grade, and the month's ranking — every command through gRPC with a JWT, events on the topic.
import { status } from '@grpc/grpc-js';
import { signToken } from '@yiwang/platform';
import { TestClock } from '@yiwang/kernel-core';
import {
  type GetInspectionResponse,
  type GetRankingResponse,
  type ImportFacilitiesResponse,
  type RecordWorkResponse,
} from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { startSanitationService, type RunningSanitationService } from '../service';
import { call, client, csvOf, grpcError, people, readTopic, SECRET, testEnvironment, until } from '../sanitation.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let svc: RunningSanitationService;
const clock = new TestClock('2025-03-04T10:00:00+08:00');
const ROAD_A = '4108020399000001';
const ROAD_B = '4108110399000002';
const TOILET = '4108020301000001';
const line = '113.20 35.23; 113.21 35.23';

beforeAll(async () => {
  env = await testEnvironment(__filename);
  svc = await startSanitationService(env.config, { clock });
}, 60_000);
afterAll(async () => {
  await svc?.stop();
  await env?.t.close();
});

// Commands may wait on a database shared with other suites: a deadline for results, not for speed.
const as = (who: keyof typeof people) => client(svc.grpcAddress, people[who], 30_000);
const sweep = (facilityId: string, deviceId: string, hour: string) => ({
  facilityId,
  deviceId,
  kind: 'sweep',
  startedAt: `2025-03-04T${hour}:00:00+08:00`,
  endedAt: `2025-03-04T${hour}:40:00+08:00`,
  distanceM: 2400,
});

it('imports the register over HTTP: good rows registered, broken rows listed, nothing else stored', async () => {
  const content = csvOf([
    `${ROAD_A},road,人民路,解放区,contractor.huanjie,${line},410802001001001,1200,36000,1,,,,,`,
    `${ROAD_B},road,建设路,山阳区,contractor.qingyuan,${line},,900,27000,2,,,,,`,
    `${TOILET},toilet,人民公园公厕,解放区,contractor.huanjie,113.2 35.23,,,,,1,attached,06:00,22:00,`,
    `4108020399000009,road,断行,解放区,contractor.huanjie,${line},,-3,100,1,,,,,`,
  ]);
  const token = await signToken(people.admin, { secret: SECRET });
  const post = (body: object, auth = `Bearer ${token}`) =>
    fetch(`${svc.httpAddress}/v1/facilities/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify(body),
    });
  expect((await post({ format: 'csv', content }, '')).status).toBe(401);
  const res = await post({ format: 'csv', content });
  expect(res.status).toBe(200);
  const summary = (await res.json()) as ImportFacilitiesResponse;
  expect(summary).toMatchObject({ registered: 3, updated: 0, unchanged: 0, rejected: [{ row: 5, facilityId: '4108020399000009' }] });
  expect((await svc.store.readStream('facility-4108020399000009')).events).toHaveLength(0);
  // The same file again changes nothing.
  expect(await (await post({ format: 'csv', content })).json()).toMatchObject({ registered: 0, unchanged: 3 });
  const admin = await as('admin');
  await call(admin, 'registerDevice', { deviceId: 'SW-01', kind: 'sweeper', contractor: 'contractor.huanjie' });
  await call(admin, 'registerDevice', { deviceId: 'SW-02', kind: 'sweeper', contractor: 'contractor.qingyuan' });
  await until(
    async () => (await call<{ status: string }>(admin, 'getFacility', { facilityId: ROAD_A })).status === 'active',
    20_000,
    'road projected',
  );
  admin.close();
});

it('work records: idempotent by device + start; an unknown vehicle or another contractor stores nothing', async () => {
  const gateway = await as('gateway');
  // The device register is a read model: until it has SW-01 the batch is refused whole, nothing stored.
  const first = await until(
    () => call<RecordWorkResponse>(gateway, 'recordWork', { records: [sweep(ROAD_A, 'SW-01', '05'), sweep(ROAD_A, 'SW-01', '09')] }),
    20_000,
    'the batch recorded once the devices are registered',
  );
  expect(first).toMatchObject({ accepted: 2, duplicates: 0, taskIds: [`${ROAD_A}-20250304`] });
  expect(await call<RecordWorkResponse>(gateway, 'recordWork', { records: [sweep(ROAD_A, 'SW-01', '05')] })).toMatchObject({
    accepted: 0,
    duplicates: 1,
  });
  const unknown = await grpcError(call(gateway, 'recordWork', { records: [sweep(ROAD_A, 'SW-01', '13'), sweep(ROAD_A, 'SW-404', '14')] }));
  expect(unknown.code).toBe(status.INVALID_ARGUMENT);
  expect(unknown.details).toMatch(/unknown vehicle or device SW-404/);
  expect((await grpcError(call(gateway, 'recordWork', { records: [sweep(ROAD_B, 'SW-02', '05')] }))).code).toBe(status.PERMISSION_DENIED);
  expect((await svc.store.readStream(`sanitation-task-${ROAD_A}-20250304`)).events).toHaveLength(1);
  gateway.close();
});

it('以克论净: bad input refused; a failed road opens a rectification that goes overdue; the owner sees it, others do not', async () => {
  const inspector = await as('inspector');
  const sample = (grams: number) => ({ point: 'P', grams });
  expect(
    (
      await grpcError(
        call(inspector, 'recordInspection', {
          inspectionId: 'I-neg',
          facilityId: ROAD_A,
          input: { samples: [sample(1), sample(-2), sample(3)] },
        }),
      )
    ).code,
  ).toBe(status.INVALID_ARGUMENT);
  const unknownRoad = await grpcError(
    call(inspector, 'recordInspection', {
      inspectionId: 'I-x',
      facilityId: '4108020399999999',
      input: { samples: [sample(1), sample(2), sample(3)] },
    }),
  );
  expect(unknownRoad.code).toBe(status.INVALID_ARGUMENT);
  expect(unknownRoad.details).toMatch(/^unknown facility/);
  for (const refused of ['inspection-I-neg', 'inspection-I-x']) expect((await svc.store.readStream(refused)).events).toHaveLength(0);
  expect((await grpcError(call(await client(svc.grpcAddress, null), 'recordInspection', { inspectionId: 'I-1' }))).code).toBe(
    status.UNAUTHENTICATED,
  );

  const failed = await call<{ eventTypes: string[] }>(inspector, 'recordInspection', {
    inspectionId: 'I-1',
    facilityId: ROAD_A,
    input: { samples: [sample(10), sample(10.1), sample(4)] },
  });
  expect(failed.eventTypes).toEqual(['sanitation.inspection.recorded.v1', 'sanitation.inspection.rectification_opened.v1']);
  await call(inspector, 'recordInspection', {
    inspectionId: 'I-2',
    facilityId: ROAD_B,
    input: { samples: [sample(2), sample(3), sample(4)] },
  });
  await call(inspector, 'recordInspection', {
    inspectionId: 'I-3',
    facilityId: TOILET,
    input: { toilet: { odourLevel: 2, fliesPerM2: 0, suppliesOk: true, openingHoursKept: true } },
  });
  expect(
    (
      await grpcError(
        call(inspector, 'amendInspection', {
          inspectionId: 'I-1',
          expectedVersion: 1,
          input: { samples: [sample(1), sample(1), sample(1)] },
        }),
      )
    ).code,
  ).toBe(status.ABORTED);

  const owner = await as('huanjie');
  const other = await as('qingyuan');
  const seen = await until(
    async () => await call<GetInspectionResponse>(owner, 'getInspection', { inspectionId: 'I-1' }),
    20_000,
    'inspection projected',
  );
  expect(seen).toMatchObject({ passed: false, rectificationStatus: 'open', period: '2025-03' });
  expect((await grpcError(call(other, 'getInspection', { inspectionId: 'I-1' }))).code).toBe(status.PERMISSION_DENIED);
  expect((await grpcError(call(other, 'completeRectification', { inspectionId: 'I-1', note: '已清扫' }))).code).toBe(
    status.PERMISSION_DENIED,
  );

  // A day later the durable scan finds the deadline passed.
  clock.advance(24 * 3_600_000);
  await until(async () => (await svc.scheduler.scanOnce()) >= 1 || null, 20_000, 'overdue marked');
  const late = await call<{ eventTypes: string[] }>(owner, 'completeRectification', { inspectionId: 'I-1', note: '已重新清扫' });
  expect(late.eventTypes).toEqual(['sanitation.inspection.rectification_completed.v1']);
  for (const c of [inspector, owner, other]) c.close();
});

it('the day closed against the grade, and the month ranked per contractor with the pass rate', async () => {
  const closer = await as('closer');
  expect(await call(closer, 'closeDay', { day: '2025-03-04' })).toEqual({ closed: 2, missingRuns: 1 + 2 });
  const admin = await as('admin');
  const ranking = await until(
    async () => {
      const r = await call<GetRankingResponse>(admin, 'getRanking', { period: '2025-03', dimension: 'contractor' });
      const huanjie = r.rows.find((x) => x.key === 'contractor.huanjie');
      return huanjie && huanjie.breakdown.some((l) => l.counter === 'overdueRectifications') && r.rows.length === 2 ? r : null;
    },
    30_000,
    'ranking',
  );
  expect(ranking).toMatchObject({ samples: 6, samplesPassed: 5, passRate: 83.33 });
  // contractor.huanjie: road A (1 failed sample, 1 missing run, 1 overdue) and the toilet (odour 2 > class 1 limit).
  expect(ranking.rows.map((r) => [r.key, r.rank])).toEqual([
    ['contractor.qingyuan', 1],
    ['contractor.huanjie', 2],
  ]);
  const own = await call<GetRankingResponse>(await as('huanjie'), 'getRanking', { period: '2025-03', dimension: 'contractor' });
  expect(own.rows.map((r) => r.key)).toEqual(['contractor.huanjie']);
  expect((await grpcError(call(await as('huanjie'), 'getRanking', { period: '2025-03', dimension: 'district' }))).code).toBe(
    status.PERMISSION_DENIED,
  );

  const messages = await readTopic(env.broker, env.config.topic, 12);
  const types = messages.map((m) => m.event.type);
  expect(types).toEqual(
    expect.arrayContaining([
      'sanitation.facility.registered.v1',
      'sanitation.task.work_recorded.v1',
      'sanitation.inspection.rectification_overdue.v1',
      'sanitation.task.day_closed.v1',
    ]),
  );
  for (const m of messages) expect(m.headers).toMatchObject({ ce_specversion: '1.0', ce_source: '/yiwang/sanitation' });
  const road = messages.find((m) => m.event.type === 'sanitation.facility.registered.v1' && m.event.streamId === `facility-${ROAD_A}`);
  expect(road?.event.data).toMatchObject({
    facilityId: ROAD_A,
    grade: '1',
    location: {
      type: 'LineString',
      coordinates: [
        { lon: 113.2, lat: 35.23 },
        { lon: 113.21, lat: 35.23 },
      ],
    },
  });
  closer.close();
  admin.close();
});
