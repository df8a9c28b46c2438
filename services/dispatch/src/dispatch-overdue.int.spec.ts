// Durable deadlines: a case whose deadline passes while the service is down is marked overdue and
// supervised after the restart, from the deadline read model alone (no in-memory timer).
import { type CaseCommandResponse, type GetCaseResponse, type ListCasesResponse } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { TestClock } from '@yiwang/kernel-core';
import { caseIdForReport } from './application/case-ids';
import { startDispatchService, type DispatchService } from './service';
import { call, client, people, publishFiledReport, testEnvironment, until } from './dispatch.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let service: DispatchService | undefined;
const clock = new TestClock('2025-03-03T10:00:00+08:00');

beforeAll(async () => {
  env = await testEnvironment(__filename);
});
afterAll(async () => {
  await service?.stop();
  await env?.t.close();
});

it('detects an overdue case after a restart, marks it once and supervises it', async () => {
  service = await startDispatchService(env.config, { clock });
  let centre = await client(service.grpcAddress, people.centre);
  const id = caseIdForReport('R-20250303-0100');
  const overdueId = caseIdForReport('R-20250303-0101');
  await publishFiledReport(env.broker, env.config.intakeTopic, 'R-20250303-0100', { hours: 2 });
  await publishFiledReport(env.broker, env.config.intakeTopic, 'R-20250303-0101', { hours: 2 });
  const get = (caseId: string) => call<object, GetCaseResponse>(centre, 'getCase', { caseId });
  await until(
    async () => (await get(overdueId)).case?.status === 'dispatched' && (await get(id)).case?.status === 'dispatched',
    40_000,
    'cases dispatched',
  );
  // One case is handled in time; the other is not.
  const unit = await client(service.grpcAddress, people.sanitation);
  await call<object, CaseCommandResponse>(unit, 'signFor', { caseId: id });
  await call<object, CaseCommandResponse>(unit, 'reportHandling', { caseId: id, notes: '已处理', photoRefs: [] });
  await call<object, CaseCommandResponse>(unit, 'signFor', { caseId: overdueId });
  // Let the projection record the deadlines before going down.
  await new Promise((r) => setTimeout(r, 1_500));
  unit.close();
  centre.close();
  await service.stop();
  service = undefined;

  // The deadline (12:00) passes while dispatch is down.
  clock.set('2025-03-03T15:00:00+08:00');
  service = await startDispatchService(env.config, { clock });
  centre = await client(service.grpcAddress, people.centre);
  const history = await until(
    async () => {
      const h = (await get(overdueId)).history.map((e) => e.type);
      return h.includes('dispatch.case.supervised.v1') ? h : null;
    },
    30_000,
    'overdue detected after restart',
  );
  expect(history.slice(-2)).toEqual(['dispatch.case.overdue_marked.v1', 'dispatch.case.supervised.v1']);
  expect((await get(overdueId)).case).toMatchObject({ overdue: true, supervisionCount: 1 });
  expect((await get(id)).history.map((e) => e.type)).not.toContain('dispatch.case.overdue_marked.v1');

  // Further scans (and a second scanner) change nothing.
  await service.scheduler.scanOnce();
  await new Promise((r) => setTimeout(r, 1_000));
  expect((await get(overdueId)).history.filter((e) => e.type === 'dispatch.case.supervised.v1')).toHaveLength(1);
  const list = await until(
    async () => {
      const l = await call<object, ListCasesResponse>(centre, 'listCases', { unitId: 'dept.sanitation.jiefang', overdueOnly: true });
      return l.cases.length > 0 ? l : null;
    },
    20_000,
    'overdue list',
  );
  expect(list.cases.map((c) => c.caseId)).toEqual([overdueId]);
  centre.close();
});
