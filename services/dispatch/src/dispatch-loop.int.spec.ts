// The dispatch service against the real broker and database: a filed report becomes a dispatched
// case on Kafka; the loop over gRPC with signed tokens; return and re-dispatch; refusals.
import { status } from '@grpc/grpc-js';
import {
  type DispatchServiceClient,
  type CaseCommandResponse,
  type GetCaseResponse,
  type GetIndicatorsResponse,
  type ListCasesResponse,
  type GetRankingResponse,
  VerificationOutcome,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { TestClock } from '@yiwang/kernel-core';
import { caseIdForReport } from './application/case-ids';
import { startDispatchService, type DispatchService } from './service';
import { signToken } from '@yiwang/platform';
import {
  call,
  client,
  grpcCode,
  people,
  publishFiledReport,
  readDispatchTopic,
  SECRET,
  testEnvironment,
  until,
} from './dispatch.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let service: DispatchService;
const clock = new TestClock('2025-03-03T10:00:00+08:00'); // a Monday
const c = {} as Record<keyof typeof people | 'anonymous', DispatchServiceClient>;

beforeAll(async () => {
  env = await testEnvironment(__filename);
  service = await startDispatchService(env.config, { clock });
  for (const [k, who] of Object.entries(people)) c[k as keyof typeof people] = await client(service.grpcAddress, who);
  c.anonymous = await client(service.grpcAddress, null);
});
afterAll(async () => {
  for (const x of Object.values(c)) x.close();
  await service?.stop();
  await env?.t.close();
});

const getCase = (id: string, who: DispatchServiceClient = c.centre) => call<object, GetCaseResponse>(who, 'getCase', { caseId: id });
const cmd = (who: DispatchServiceClient, method: keyof DispatchServiceClient, req: object) =>
  call<object, CaseCommandResponse>(who, method, req);
const opened = async (reportId: string) => {
  await publishFiledReport(env.broker, env.config.intakeTopic, reportId);
  const id = caseIdForReport(reportId);
  await until(async () => (await getCase(id)).case?.status === 'dispatched', 40_000, `case ${id} dispatched`);
  return id;
};

it('opens a case for a filed report, dispatched to the matrix unit with a working-time deadline, and publishes it as CloudEvents', async () => {
  const id = await opened('R-20250303-0001');
  const { case: summary, history } = await getCase(id);
  // event.01.02 (暴露垃圾) in 解放区 → the district's sanitation office; 4 working hours from Monday 10:00 → 15:30 (lunch 12:00–13:30).
  expect(summary).toMatchObject({
    unitId: 'dept.sanitation.jiefang',
    status: 'dispatched',
    deadline: '2025-03-03T07:30:00.000Z',
    district: '解放区',
    version: 2,
  });
  expect(history.map((h) => h.type)).toEqual(['dispatch.case.opened.v1', 'dispatch.case.dispatched.v1']);

  const messages = await readDispatchTopic(env.broker, env.config.dispatchTopic, 2);
  const dispatched = messages.find((m) => m.event.type === 'dispatch.case.dispatched.v1' && m.event.streamId === `case-${id}`)!;
  expect(dispatched.event.data).toMatchObject({ caseId: id, unitId: 'dept.sanitation.jiefang', kind: 'initial' });
  expect(dispatched.headers).toMatchObject({
    ce_specversion: '1.0',
    ce_type: 'dispatch.case.dispatched.v1',
    ce_source: '/yiwang/dispatch',
    ce_subject: `case-${id}`,
    'content-type': 'application/protobuf; messageType=yiwang.dispatch.v1.CaseDispatched',
  });
  // A redelivered filing does not open a second case.
  await publishFiledReport(env.broker, env.config.intakeTopic, 'R-20250303-0001');
  await new Promise((r) => setTimeout(r, 1500));
  expect((await getCase(id)).case?.version).toBe(2);
});

it('runs the loop over gRPC: sign → handle → verify fail → rework → handle → verify pass → closed, and the indicators follow', async () => {
  const id = await opened('R-20250303-0002');
  await cmd(c.sanitation, 'signFor', { caseId: id, expectedVersion: 2 });
  clock.advance(30 * 60_000);
  await cmd(c.sanitation, 'reportHandling', { caseId: id, notes: '垃圾已清运', photoRefs: ['photos/after-1.jpg'] });
  const failed = await cmd(c.inspector, 'verify', {
    caseId: id,
    outcome: VerificationOutcome.VERIFICATION_OUTCOME_FAILED,
    notes: '仍有残留',
    photoRefs: [],
  });
  expect(failed).toMatchObject({ status: 'handling', eventTypes: ['dispatch.case.verified.v1', 'dispatch.case.rework_ordered.v1'] });
  clock.advance(30 * 60_000);
  await cmd(c.sanitation, 'reportHandling', { caseId: id, notes: '已彻底清理', photoRefs: ['photos/after-2.jpg'] });
  const passed = await cmd(c.inspector, 'verify', {
    caseId: id,
    outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED,
    notes: '',
    photoRefs: [],
  });
  expect(passed).toMatchObject({ status: 'closed', eventTypes: ['dispatch.case.verified.v1', 'dispatch.case.closed.v1'] });

  const { case: summary, history } = await getCase(id, c.sanitation);
  expect(summary).toMatchObject({ status: 'closed', reworkCount: 1 });
  expect(history.map((h) => h.type.replace(/^dispatch\.case\.|\.v1$/g, ''))).toEqual([
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
  const row = await until(
    async () => {
      const r = await call<object, GetIndicatorsResponse>(c.centre, 'getIndicators', { dimension: 1 });
      const unit = r.rows.find((x) => x.key === 'dept.sanitation.jiefang');
      return unit?.indicators.find((i) => i.id === 'closureRate')?.numerator === 1 ? unit : null;
    },
    30_000,
    'indicators',
  );
  const byId = Object.fromEntries(row.indicators.map((i) => [i.id, i]));
  expect(byId['closureRate']).toMatchObject({ numerator: 1 });
  expect(byId['reworkRate']).toMatchObject({ numerator: 1, denominator: 1 });
  const ranking = await call<object, GetRankingResponse>(c.centre, 'getRanking', { indicatorId: 'onTimeClosureRate', dimension: 1 });
  expect(ranking.rows.find((r) => r.key === 'dept.sanitation.jiefang')).toMatchObject({ rank: 1, rateText: '100.00%' });

  // The same over the HTTP read API.
  const auth = { authorization: `Bearer ${await signToken(people.centre, { secret: SECRET })}` };
  const http = async (path: string, headers: Record<string, string> = auth) => {
    const r = await fetch(`${service.httpAddress}${path}`, { headers });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  expect(await http(`/v1/cases/${id}`)).toMatchObject({ status: 200, body: { caseId: id, status: 'closed' } });
  const table = await http('/v1/ranking?indicator=onTimeClosureRate&dimension=unit');
  expect((table.body['rows'] as { key: string; rank: number }[]).find((r) => r.key === 'dept.sanitation.jiefang')).toMatchObject({
    rank: 1,
    rateText: '100.00%',
  });
  expect((await http('/v1/indicators?dimension=district')).body['rows']).toEqual(
    expect.arrayContaining([expect.objectContaining({ key: '解放区' })]),
  );
  expect((await http('/v1/ranking', {})).status).toBe(401);
  expect((await http('/v1/indicators?from=yesterday')).status).toBe(400);
});

it('returns a case and re-dispatches it to another unit, which then sees it in its list', async () => {
  const id = await opened('R-20250303-0003');
  await cmd(c.sanitation, 'applyForReturn', { caseId: id, reasons: ['not_our_remit'], note: '属市政设施' });
  await cmd(c.centre, 'decideReturn', { caseId: id, approve: true, note: '' });
  const r = await cmd(c.centre, 'redispatch', { caseId: id, unitId: 'dept.municipal.jiefang' });
  expect(r).toMatchObject({ status: 'dispatched', version: 5 });
  const { case: summary } = await getCase(id, c.municipal);
  expect(summary).toMatchObject({ unitId: 'dept.municipal.jiefang', returnCount: 1 });
  expect(Date.parse(summary!.deadline)).toBeGreaterThan(clock.now().getTime());
  const listed = await until(
    async () => {
      const l = await call<object, ListCasesResponse>(c.municipal, 'listCases', {});
      return l.cases.some((x) => x.caseId === id) ? l : null;
    },
    20_000,
    'municipal list',
  );
  expect(listed.cases.find((x) => x.caseId === id)).toMatchObject({ status: 'dispatched' });
  const sanitationList = await call<object, ListCasesResponse>(c.sanitation, 'listCases', {});
  expect(sanitationList.cases.some((x) => x.caseId === id)).toBe(false);
  // The sanitation office no longer holds it.
  expect(await grpcCode(cmd(c.sanitation, 'signFor', { caseId: id }))).toBe(status.PERMISSION_DENIED);
});

it('refuses what it must, and stores nothing then', async () => {
  const id = await opened('R-20250303-0004');
  const before = (await getCase(id)).case!.version;
  expect(await grpcCode(cmd(c.municipal, 'signFor', { caseId: id }))).toBe(status.PERMISSION_DENIED);
  expect(await grpcCode(cmd(c.sanitation, 'decideReturn', { caseId: id, approve: true, note: '' }))).toBe(status.PERMISSION_DENIED);
  expect(await grpcCode(getCase(id, c.municipal))).toBe(status.PERMISSION_DENIED);
  expect(await grpcCode(cmd(c.sanitation, 'signFor', { caseId: id, expectedVersion: 1 }))).toBe(status.ABORTED);
  expect(await grpcCode(cmd(c.anonymous, 'signFor', { caseId: id }))).toBe(status.UNAUTHENTICATED);
  expect(await grpcCode(cmd(c.sanitation, 'signFor', { caseId: 'no such/case' }))).toBe(status.INVALID_ARGUMENT);
  expect(await grpcCode(cmd(c.centre, 'redispatch', { caseId: id, unitId: 'dept.nowhere' }))).toBe(status.INVALID_ARGUMENT);
  expect(await grpcCode(cmd(c.inspector, 'verify', { caseId: id, outcome: 0, notes: '' }))).toBe(status.FAILED_PRECONDITION);
  expect(await grpcCode(getCase('C-unknown'))).toBe(status.NOT_FOUND);
  await cmd(c.sanitation, 'signFor', { caseId: id });
  expect(await grpcCode(cmd(c.sanitation, 'reportHandling', { caseId: id, notes: '', photoRefs: [] }))).toBe(status.INVALID_ARGUMENT);
  expect((await getCase(id)).case!.version).toBe(before + 1);
});
