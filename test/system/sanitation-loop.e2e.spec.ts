// The closed loop (闭环) of a 以克论净 inspection on the real servers: sanitation, intake and dispatch
// in one process, each on its own database and topic. A road sample over the gram limit opens a
// rectification; sanitation files it in intake through intake's public gRPC API (its own system
// token, the inspector channel, 道路不洁 at the road's position), intake files it, dispatch opens
// the case; the hand-off retried files nothing new and the case is opened once. Sanitation is
// stopped while the unit handles the case and started again: the closure still comes back and is
// linked to the inspection, which completes its rectification.
import { randomBytes } from 'node:crypto';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import { IntakeServiceClient, ReportStatus } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import * as api from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { SanitationServiceClient } from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { VerificationOutcome, type CaseCommandResponse } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { loadIntakeConfig, startIntakeService, cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { caseIdForReport, startDispatchService, type DispatchService } from '@yiwang/dispatch';
import { loadSanitationConfig, startSanitationService, type RunningSanitationService } from '@yiwang/sanitation';
import { call, client, people, readDispatchTopic, SECRET, testEnvironment, until } from '@yiwang/dispatch/testing';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let dispatch: DispatchService;
let intake: Awaited<ReturnType<typeof startIntakeService>>;
let sanitation: RunningSanitationService | undefined;
let sanitationConfig: ReturnType<typeof loadSanitationConfig>;

const ROAD = '4108020399000001';
const admin: Principal = { subject: 'li.hua', department: 'dept.sanitation.city', roles: ['sanitation.admin'] };
const inspector: Principal = { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] };

beforeAll(async () => {
  env = await testEnvironment(__filename);
  intake = await startIntakeService(
    loadIntakeConfig({
      MONGODB_URI: env.config.mongoUri,
      INTAKE_DB: `${env.prefix}_intake`,
      KAFKA_BROKERS: env.config.kafkaBrokers.join(','),
      INTAKE_HTTP_PORT: '0',
      INTAKE_GRPC_PORT: '0',
      INTAKE_HOST: '127.0.0.1',
      INTAKE_EVENTS_TOPIC: env.config.intakeTopic,
      DISPATCH_EVENTS_TOPIC: env.config.dispatchTopic,
      INTAKE_CONSUMER_GROUP: `${env.prefix}.intake`,
      AUTH_JWT_SECRET: SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    }),
  );
  dispatch = await startDispatchService(env.config);
  sanitationConfig = loadSanitationConfig({
    BIND_HOST: '127.0.0.1',
    SANITATION_GRPC_PORT: '0',
    SANITATION_HTTP_PORT: '0',
    MONGODB_URI: env.config.mongoUri,
    SANITATION_DB: `${env.prefix}_sanitation`,
    KAFKA_BROKERS: env.config.kafkaBrokers.join(','),
    SANITATION_TOPIC: `yiwang.${env.prefix}_sanitation.events.v1`,
    SANITATION_CONSUMER_GROUP: `${env.prefix}.sanitation`,
    INTAKE_GRPC_ADDRESS: intake.grpcAddress,
    INTAKE_EVENTS_TOPIC: env.config.intakeTopic,
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
  });
  sanitation = await startSanitationService(sanitationConfig);
}, 120_000);
afterAll(async () => {
  await sanitation?.stop();
  await dispatch?.stop();
  await intake?.stop();
  await env?.t.close();
});

async function sanitationCall<Res>(who: Principal, method: keyof SanitationServiceClient, request: object): Promise<Res> {
  const c = createGrpcClient(SanitationServiceClient, sanitation!.grpcAddress, { token: await signToken(who, { secret: SECRET }) });
  try {
    const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
    const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
    const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
    return (await callUnary(fn as never, fns ? fns.fromPartial(request) : request)) as Res;
  } finally {
    c.close();
  }
}

const inspection = () => sanitationCall<api.GetInspectionResponse>(inspector, 'getInspection', { inspectionId: 'GRAM-1' });

it('a failed road sample → report in intake → case dispatched once (hand-off retried) → handled → closed → linked back, across a restart', async () => {
  // The road lies on intake's grid, so the inspector-channel report is filed at once.
  const p = cellCentre([...shippedUnitGrid().cells.values()][0]!);
  const line = `${(p.lon - 0.0003).toFixed(6)} ${p.lat.toFixed(6)}; ${(p.lon + 0.0003).toFixed(6)} ${p.lat.toFixed(6)}`;
  const header =
    'facilityId,kind,name,district,contractor,geometry,cells,lengthM,areaM2,grade,toiletClass,siting,opensAt,closesAt,capacityTonnesPerDay';
  const imported = await sanitationCall<api.ImportFacilitiesResponse>(admin, 'importFacilities', {
    format: 'csv',
    content: `${header}\n${ROAD},road,人民路,解放区,contractor.huanjie,${line},,1200,36000,1,,,,,`,
  });
  expect(imported).toMatchObject({ registered: 1, rejected: [] });
  await until(
    async () => (await sanitationCall<{ status: string }>(admin, 'getFacility', { facilityId: ROAD })).status === 'active',
    20_000,
    'road projected',
  );

  const recorded = await sanitationCall<api.CommandResponse>(inspector, 'recordInspection', {
    inspectionId: 'GRAM-1',
    facilityId: ROAD,
    input: {
      samples: [
        { point: 'P1', grams: 3 },
        { point: 'P2', grams: 10.1 },
        { point: 'P3', grams: 4 },
      ],
    },
  });
  expect(recorded.eventTypes).toContain('sanitation.inspection.rectification_opened.v1');

  // The hand-off: the report id comes back onto the inspection.
  const filed = await until(
    async () => {
      const i = await inspection().catch(() => null);
      return i && i.reportId !== '' ? i : null;
    },
    60_000,
    'report filed in intake',
  );
  const reportId = filed.reportId;
  expect(filed).toMatchObject({ passed: false, rectificationStatus: 'open', caseId: '', reportClosedAt: '' });

  // A redelivered hand-off (twice, at once) files nothing new: intake answers the same report.
  const opened = (await sanitation!.store.readStream('inspection-GRAM-1')).events.find(
    (e) => e.type === 'sanitation.inspection.rectification_opened.v1',
  )!;
  expect(await Promise.all([sanitation!.loop!.handOff(opened), sanitation!.loop!.handOff(opened)])).toEqual([reportId, reportId]);
  expect((await sanitation!.store.readStream('inspection-GRAM-1')).events.map((e) => e.type)).toEqual([
    'sanitation.inspection.recorded.v1',
    'sanitation.inspection.rectification_opened.v1',
    'sanitation.inspection.report_filed.v1',
  ]);

  const intakeClient = createGrpcClient(IntakeServiceClient, intake.grpcAddress, { token: await signToken(inspector, { secret: SECRET }) });
  const report = (await callUnary(intakeClient.getReport.bind(intakeClient), { reportId })).report!;
  expect(report).toMatchObject({ reportId, status: ReportStatus.REPORT_STATUS_FILED, categoryCode: 'event.01.04' });

  const caseId = caseIdForReport(reportId);
  const centre = await client(dispatch.grpcAddress, people.centre);
  const dispatched = await until(
    async () => (await call<object, { case?: { unitId: string; status: string } }>(centre, 'getCase', { caseId })).case,
    45_000,
    'case dispatched',
  );
  expect(dispatched.status).toBe('dispatched');

  // Sanitation goes down while the unit handles the case; the closure waits on intake's topic.
  await sanitation!.stop();
  sanitation = undefined;
  const unit = await client(dispatch.grpcAddress, { subject: 'wang.li', department: dispatched.unitId, roles: [] });
  const verifier = await client(dispatch.grpcAddress, people.inspector);
  const cmd = (who: typeof unit, method: Parameters<typeof call>[1], req: object) =>
    call<object, CaseCommandResponse>(who, method, { caseId, ...req });
  await cmd(unit, 'signFor', {});
  await cmd(unit, 'reportHandling', { notes: '已重新清扫', photoRefs: ['p/1.jpg'] });
  expect(await cmd(verifier, 'verify', { outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED })).toMatchObject({ status: 'closed' });
  await until(
    async () =>
      (await callUnary(intakeClient.getReport.bind(intakeClient), { reportId })).report?.status === ReportStatus.REPORT_STATUS_CLOSED,
    45_000,
    'report closed in intake',
  );

  sanitation = await startSanitationService(sanitationConfig);
  const linked = await until(
    async () => {
      const i = await inspection().catch(() => null);
      return i && i.reportClosedAt !== '' ? i : null;
    },
    60_000,
    'closure linked back',
  );
  expect(linked).toMatchObject({ reportId, caseId, rectificationStatus: 'completed' });
  expect((await sanitation.store.readStream('inspection-GRAM-1')).events.map((e) => e.type)).toEqual([
    'sanitation.inspection.recorded.v1',
    'sanitation.inspection.rectification_opened.v1',
    'sanitation.inspection.report_filed.v1',
    'sanitation.inspection.report_closed.v1',
    'sanitation.inspection.rectification_completed.v1',
  ]);

  // One case, opened once, on dispatch's topic.
  const onDispatch = await readDispatchTopic(env.broker, env.config.dispatchTopic, 6);
  const openings = onDispatch.filter((m) => m.event.type === 'dispatch.case.opened.v1');
  expect(openings.map((m) => m.event.streamId)).toEqual([`case-${caseId}`]);
  for (const c of [centre, unit, verifier, intakeClient]) c.close();
});
