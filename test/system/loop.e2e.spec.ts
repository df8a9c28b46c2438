// Intake and dispatch in one process against the real broker and database: an Open311 POST is
// filed, dispatched, signed, handled, fails verification, is reworked, handled again, verified and
// closed — each step on `yiwang.intake.events.v1` / `yiwang.dispatch.events.v1` as CloudEvents —
// and the reporter sees it closed through Open311; the indicators count the case.
import { randomBytes } from 'node:crypto';
import { callUnary, signToken } from '@yiwang/platform';
import { IntakeServiceClient } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import {
  VerificationOutcome,
  type CaseCommandResponse,
  type GetIndicatorsResponse,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { createGrpcClient } from '@yiwang/platform';
import { loadIntakeConfig, startIntakeService, cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { caseIdForReport, startDispatchService, type DispatchService } from '@yiwang/dispatch';
import { call, client, people, readDispatchTopic, SECRET, testEnvironment, until } from '@yiwang/dispatch/testing';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let dispatch: DispatchService;
let intake: Awaited<ReturnType<typeof startIntakeService>>;

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
}, 90_000);
afterAll(async () => {
  await dispatch?.stop();
  await intake?.stop();
  await env?.t.close();
});

it('Open311 POST → filed → dispatched → signed → handled → failed → rework → handled → verified → closed', async () => {
  const cell = [...shippedUnitGrid().cells.values()][0]!;
  const p = cellCentre(cell);
  const form = new URLSearchParams({ service_code: 'event.01.02', lat: String(p.lat), long: String(p.lon), description: '路边垃圾堆积' });
  const posted = await fetch(`${intake.httpAddress}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(posted.status).toBe(200);
  const reportId = ((await posted.json()) as { service_request_id: string }[])[0]!.service_request_id;

  // The supervision centre files the citizen's report (立案).
  const supervisor = createGrpcClient(IntakeServiceClient, intake.grpcAddress, {
    token: await signToken({ subject: 'chen.jie', department: 'centre.supervision', roles: ['centre.supervision'] }, { secret: SECRET }),
  });
  await callUnary(supervisor.fileReport.bind(supervisor), { reportId, cellId: '', note: '属实' });
  supervisor.close();

  const caseId = caseIdForReport(reportId);
  const centre = await client(dispatch.grpcAddress, people.centre);
  const dispatched = await until(
    async () => (await call<object, { case?: { unitId: string; status: string } }>(centre, 'getCase', { caseId })).case,
    45_000,
    'case dispatched',
  );
  expect(dispatched.status).toBe('dispatched');
  const unit = await client(dispatch.grpcAddress, { subject: 'wang.li', department: dispatched.unitId, roles: [] });
  const inspector = await client(dispatch.grpcAddress, people.inspector);
  const cmd = (who: typeof unit, method: Parameters<typeof call>[1], req: object) =>
    call<object, CaseCommandResponse>(who, method, { caseId, ...req });
  await cmd(unit, 'signFor', {});
  await cmd(unit, 'reportHandling', { notes: '已清运', photoRefs: ['p/1.jpg'] });
  await cmd(inspector, 'verify', { outcome: VerificationOutcome.VERIFICATION_OUTCOME_FAILED, notes: '仍有残留' });
  await cmd(unit, 'reportHandling', { notes: '已彻底清理', photoRefs: ['p/2.jpg'] });
  expect(await cmd(inspector, 'verify', { outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED })).toMatchObject({ status: 'closed' });

  // The reporter sees it closed (intake consumed dispatch's CaseClosed).
  await until(
    async () => {
      const r = await fetch(`${intake.httpAddress}/open311/v2/requests/${reportId}.json`);
      return ((await r.json()) as { status: string }[])[0]?.status === 'closed';
    },
    45_000,
    'Open311 status closed',
  );

  const onDispatch = await readDispatchTopic(env.broker, env.config.dispatchTopic, 9);
  expect(
    onDispatch.filter((m) => m.event.streamId === `case-${caseId}`).map((m) => m.event.type.replace(/^dispatch\.case\.|\.v1$/g, '')),
  ).toEqual([
    'opened',
    'dispatched',
    'signed_for',
    'handling_reported',
    'verified',
    'rework_ordered',
    'handling_reported',
    'verified',
    'closed',
  ]);
  for (const m of onDispatch) expect(m.headers).toMatchObject({ ce_specversion: '1.0', ce_source: '/yiwang/dispatch' });

  const indicators = await until(
    async () => {
      const r = await call<object, GetIndicatorsResponse>(centre, 'getIndicators', { dimension: 1 });
      const row = r.rows.find((x) => x.key === dispatched.unitId);
      return row?.indicators.find((i) => i.id === 'closureRate')?.numerator === 1 ? row : null;
    },
    30_000,
    'indicators',
  );
  expect(indicators.indicators.find((i) => i.id === 'reworkRate')).toMatchObject({ numerator: 1, denominator: 1 });
  for (const c of [centre, unit, inspector]) c.close();
});
