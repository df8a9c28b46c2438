// The leased daily close on the real servers, on a test clock: a day is closed by itself once it
// ended and its grace passed (missing runs found against the grade), and after a restart the job
// goes on from the last day it closed, closing none twice.
import { TestClock } from '@yiwang/kernel-core';
import { type RecordWorkResponse } from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { startSanitationService, type RunningSanitationService } from '../service';
import { loadSanitationConfig } from '../config';
import { call, client, csvOf, people, testEnvironment, until } from '../sanitation.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let svc: RunningSanitationService | undefined;
const clock = new TestClock('2025-03-04T10:00:00+08:00');
const ROAD = '4108020399000001';

const start = () => startSanitationService(loadSanitationConfig({ ...configEnv(), SANITATION_DAY_CLOSE_INTERVAL_MS: '200' }), { clock });
const configEnv = (): Record<string, string> => ({
  BIND_HOST: '127.0.0.1',
  SANITATION_GRPC_PORT: '0',
  SANITATION_HTTP_PORT: '0',
  MONGODB_URI: env.config.mongoUri,
  SANITATION_DB: env.config.mongoDb,
  KAFKA_BROKERS: env.config.kafkaBrokers.join(','),
  SANITATION_TOPIC: env.config.topic,
  SANITATION_DEADLINE_SCAN_INTERVAL_MS: '60000',
  SANITATION_DAY_CLOSE_GRACE_MS: String(2 * 3_600_000),
  AUTH_JWT_SECRET: env.config.jwtSecret,
  LOG_LEVEL: 'silent',
});

beforeAll(async () => {
  env = await testEnvironment(__filename);
  svc = await start();
}, 60_000);
afterAll(async () => {
  await svc?.stop();
  await env?.t.close();
});

const dayClosed = async (day: string) =>
  (await svc!.store.readStream(`sanitation-task-${ROAD}-${day.replaceAll('-', '')}`)).events.filter(
    (e) => e.type === 'sanitation.task.day_closed.v1',
  );

it('closes an ended day by itself after its grace, and after a restart goes on without closing a day twice', async () => {
  const admin = await client(svc!.grpcAddress, people.admin);
  await call(admin, 'importFacilities', {
    format: 'csv',
    content: csvOf([`${ROAD},road,人民路,解放区,contractor.huanjie,113.20 35.23; 113.21 35.23,,1200,36000,1,,,,,`]),
  });
  await call(admin, 'registerDevice', { deviceId: 'SW-01', kind: 'sweeper', contractor: 'contractor.huanjie' });
  await until(async () => (await call<{ status: string }>(admin, 'getFacility', { facilityId: ROAD })).status === 'active', 20_000, 'road');
  admin.close();
  const gateway = await client(svc!.grpcAddress, people.gateway);
  const sweep = { facilityId: ROAD, deviceId: 'SW-01', kind: 'sweep', distanceM: 2400 };
  // The device register is a read model: until it has SW-01, the record is refused and nothing is stored.
  const recorded = await until(
    () =>
      call<RecordWorkResponse>(gateway, 'recordWork', {
        records: [{ ...sweep, startedAt: '2025-03-04T05:00:00+08:00', endedAt: '2025-03-04T05:40:00+08:00' }],
      }),
    20_000,
    'the sweep recorded once the device is registered',
  );
  expect(recorded).toMatchObject({ accepted: 1 });
  gateway.close();

  // An hour after the day ended it is still open (the grace is 2 h); three hours after, it is closed.
  clock.set('2025-03-05T01:00:00+08:00');
  svc!.dayCloser!.wake();
  await new Promise((r) => setTimeout(r, 1000));
  expect(await dayClosed('2025-03-04')).toHaveLength(0);
  clock.set('2025-03-05T03:00:00+08:00');
  svc!.dayCloser!.wake();
  const closed = await until(
    async () => {
      const e = await dayClosed('2025-03-04');
      return e.length > 0 ? e : null;
    },
    30_000,
    'day closed by the job',
  );
  expect(closed[0]!.data).toMatchObject({ day: '2025-03-04', missingRuns: 2 });

  await svc!.stop();
  clock.set('2025-03-06T03:00:00+08:00');
  svc = await start();
  await until(async () => (await dayClosed('2025-03-05')).length === 1 || null, 30_000, 'next day closed after the restart');
  expect(await dayClosed('2025-03-04')).toHaveLength(1);
});
