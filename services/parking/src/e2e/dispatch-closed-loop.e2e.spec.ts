// The closed loop across two services on the real broker and database: intake files a 机动车乱停放
// report (published as intake does), dispatch opens the case and dispatches it to the enforcement
// unit of 解放区; parking learns it from dispatch's topic, the 解放区 parking squad answers it with a
// violation, and when the driver is moved on parking signs for the case and reports its handling to
// dispatch over gRPC (once); an inspector passes it, dispatch closes it, and parking's link closes.
import { TestClock } from '@yiwang/kernel-core';
import { createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import { type GetCaseResponse, VerificationOutcome } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { ParkingServiceClient, type CommandResponse } from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { caseIdForReport, startDispatchService, type DispatchService } from '@yiwang/dispatch';
import * as dispatchTesting from '@yiwang/dispatch/testing';
import { startParkingService, type ParkingService } from '../service';
import { call, people, testEnvironment, until } from '../parking.test-helpers';

let d: Awaited<ReturnType<typeof dispatchTesting.testEnvironment>>;
let p: Awaited<ReturnType<typeof testEnvironment>>;
let dispatch: DispatchService;
let parking: ParkingService;
const clock = new TestClock('2026-03-02T10:00:00+08:00'); // a Monday, working hours

beforeAll(async () => {
  d = await dispatchTesting.testEnvironment(`${__filename}.dispatch`);
  p = await testEnvironment(__filename);
  dispatch = await startDispatchService(d.config, { clock });
  parking = await startParkingService(
    // The two services share the token secret (as in development and the demo) and dispatch's topic.
    { ...p.config, jwtSecret: dispatchTesting.SECRET, dispatchTopic: d.config.dispatchTopic, dispatchGrpcAddress: dispatch.grpcAddress },
    { clock },
  );
}, 120_000);
afterAll(async () => {
  await parking?.stop();
  await dispatch?.stop();
  await p?.t.close();
  await d?.t.close();
});

const parkingClient = async (who: Principal) =>
  createGrpcClient(ParkingServiceClient, parking.grpcAddress, { token: await signToken(who, { secret: dispatchTesting.SECRET }) });

/** `intake.report.filed.v1` for 机动车乱停放 in 解放区, as intake publishes it. */
const fileParkingReport = (reportId: string) =>
  dispatchTesting.publishFiledReport(d.broker, d.config.intakeTopic, reportId, {
    code: 'event.05.03',
    district: '解放区',
    hours: 2,
    unitType: 'enforcement',
    location: { lat: 35.2405, lon: 113.2301 },
    filedAt: new Date('2026-03-02T01:55:00Z'),
  });

it('a 机动车乱停放 case dispatched to 解放区 is handled by a parking violation and closed by dispatch', async () => {
  const reportId = `R-PK-${Date.now()}`;
  const caseId = caseIdForReport(reportId);
  await fileParkingReport(reportId);

  const centre = await dispatchTesting.client(dispatch.grpcAddress, dispatchTesting.people.centre);
  const inspector = await dispatchTesting.client(dispatch.grpcAddress, dispatchTesting.people.inspector);
  const getCase = async () => (await dispatchTesting.call<object, GetCaseResponse>(centre, 'getCase', { caseId })).case!;
  await until(async () => (await getCase()).status === 'dispatched', 60_000, 'the case dispatched');
  expect((await getCase()).unitId).toBe('dept.enforcement.jiefang');
  await until(async () => (await parking.dispatchLink.get(caseId))?.squad === 'dept.parking.jiefang', 60_000, 'parking knows the case');

  const officer = await parkingClient(people.officer);
  const v = await call<CommandResponse>(officer, 'recordViolation', {
    violationId: 'V-LOOP-1',
    plate: '豫H55555',
    vehicleType: 'small_car',
    lat: 35.2405,
    lon: 113.2301,
    road: '解放路',
    kind: 'blocking_entrance',
    photoRefs: ['p/loop.jpg'],
    squad: 'dept.parking.jiefang',
    dispatchCaseId: caseId,
  });
  await call<CommandResponse>(officer, 'warnDriver', { violationId: v.id, complied: true });

  await until(async () => (await getCase()).status === 'awaiting_verification', 60_000, 'handling reported to dispatch');
  await until(async () => (await parking.dispatchLink.get(caseId))?.answeredBy.includes('V-LOOP-1'), 30_000, 'the answer recorded');

  await dispatchTesting.call(inspector, 'verify', {
    caseId,
    outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED,
    notes: '现场核查：车辆已驶离',
  });
  await until(async () => (await getCase()).status === 'closed', 60_000, 'the case closed');
  await until(async () => (await parking.dispatchLink.get(caseId))?.status === 'closed', 60_000, 'parking sees it closed');
  for (const c of [centre, inspector, officer]) c.close();
}, 240_000);
