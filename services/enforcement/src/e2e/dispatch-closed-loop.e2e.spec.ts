// dispatch ↔ enforcement across two services on the real broker and database: intake files a
// 私搭乱建 report (published as intake does), dispatch dispatches it to the 解放区 enforcement
// brigade, and enforcement opens the brigade squad's case source from dispatch's topic while the
// dispatch case is open. The squad takes it to 结案; the process dies between the close and the
// call to dispatch (dispatch unreachable, then a restart), and the restarted service reports the
// handling (签收 + 处理反馈) once; the inspector passes it and dispatch closes the case. A second
// case (店外经营) ends with a decision not to file, which is its handling feedback too.
import { TestClock } from '@yiwang/kernel-core';
import { createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import { type GetCaseResponse as DispatchCase, VerificationOutcome } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { EnforcementServiceClient, type GetCaseResponse } from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { caseIdForReport, startDispatchService, type DispatchService } from '@yiwang/dispatch';
import * as dispatchTesting from '@yiwang/dispatch/testing';
import { type DispatchFeedback } from '../application/dispatch-feedback';
import { startEnforcementService, type EnforcementService } from '../service';
import { call, people, PERSON, testEnvironment, until } from '../enforcement.test-helpers';

let d: Awaited<ReturnType<typeof dispatchTesting.testEnvironment>>;
let e: Awaited<ReturnType<typeof testEnvironment>>;
let dispatch: DispatchService;
let enforcement: EnforcementService;
const clock = new TestClock('2026-03-02T10:00:00+08:00'); // a Monday, working hours

/** Dispatch as seen from a process that died before its call reached it: every call fails. */
const attempts: string[] = [];
const unreachable: DispatchFeedback = {
  reportHandling: async ({ commandId }) => {
    attempts.push(commandId);
    throw new Error('dispatch unreachable');
  },
};

// The two services share the token secret (as in development and the demo) and dispatch's topic.
const enforcementConfig = () => ({
  ...e.config,
  jwtSecret: dispatchTesting.SECRET,
  dispatchTopic: d.config.dispatchTopic,
  dispatchGrpcAddress: dispatch.grpcAddress,
});

beforeAll(async () => {
  d = await dispatchTesting.testEnvironment(`${__filename}.dispatch`);
  e = await testEnvironment(__filename);
  dispatch = await startDispatchService(d.config, { clock });
  enforcement = await startEnforcementService(enforcementConfig(), { clock, dispatchFeedback: unreachable });
}, 120_000);
afterAll(async () => {
  await enforcement?.stop();
  await dispatch?.stop();
  await e?.t.close();
  await d?.t.close();
});

const squad = async (who: Principal) =>
  createGrpcClient(EnforcementServiceClient, enforcement.grpcAddress, { token: await signToken(who, { secret: dispatchTesting.SECRET }) });

const fileReport = (reportId: string, code: string) =>
  dispatchTesting.publishFiledReport(d.broker, d.config.intakeTopic, reportId, {
    code,
    district: '解放区',
    hours: 8,
    unitType: 'enforcement',
    filedAt: new Date('2026-03-02T01:55:00Z'),
  });

async function dispatchedToTheBrigade(reportId: string, code: string) {
  const caseId = caseIdForReport(reportId);
  await fileReport(reportId, code);
  const centre = await dispatchTesting.client(dispatch.grpcAddress, dispatchTesting.people.centre);
  const getCase = async () => dispatchTesting.call<object, DispatchCase>(centre, 'getCase', { caseId });
  await until(async () => (await getCase()).case?.status === 'dispatched', 60_000, `${caseId} dispatched`);
  expect((await getCase()).case!.unitId).toBe('dept.enforcement.jiefang');
  return { caseId, centre, getCase };
}

const handlingReports = (c: DispatchCase) => c.history.filter((h) => h.type === 'dispatch.case.handling_reported.v1');

it('a 私搭乱建 case dispatched to the brigade is taken over while open and answered once when it closes, across a restart', async () => {
  const { caseId, centre, getCase } = await dispatchedToTheBrigade(`R-EF-${Date.now()}`, 'event.01.01');
  const efId = `EF-${caseId}`;
  const officer = await squad(people.officer);
  const leader = await squad(people.leader);
  const lead = await until(async () => (await call<GetCaseResponse>(officer, 'getCase', { caseId: efId })).case, 60_000, 'the lead');
  expect(lead).toMatchObject({ status: 'lead', squadId: 'squad.jiefang.1', sourceKind: 'dispatch_case', sourceRef: caseId });
  expect(await enforcement.handover.get(caseId)).toMatchObject({ status: 'dispatched', unitId: 'dept.enforcement.jiefang' });
  // The squad's own hand-over of the same case is the same case.
  expect(
    await call(officer, 'acceptDispatchHandover', {
      dispatchCaseId: caseId,
      district: '解放区',
      category: 'event.01.01',
      description: '屋顶违法搭建',
      location: '民主路 1 号',
    }),
  ).toMatchObject({ caseId: efId, version: 1 });

  // 不予处罚: the structure was removed at once (Art 33), decided, served, closed.
  await call(officer, 'identifyParty', { caseId: efId, party: PERSON });
  clock.set('2026-03-03T10:00:00+08:00');
  await call(officer, 'recordInvestigation', {
    caseId: efId,
    kind: 'inspection',
    officers: ['zhang.wei', 'liu.yang'],
    notes: '现场检查: 当事人已自行拆除',
    evidence: [{ kind: 'inspection_record', description: '现场检查笔录', fileRefs: ['f/1.pdf'] }],
  });
  await call(leader, 'fileCase', { caseId: efId, cause: '未取得规划许可擅自搭建' });
  await call(leader, 'decide', { caseId: efId, outcome: 'no_penalty', reasons: '违法行为轻微并及时改正 (Art 33)' });
  await call(officer, 'serveDecision', { caseId: efId, method: 'in_person' });
  expect(await call(leader, 'closeCase', { caseId: efId, result: '不予处罚, 违建已拆除' })).toMatchObject({ status: 'closed' });

  // The reaction tried and failed; the process dies before any call reached dispatch.
  await until(async () => attempts.length > 0, 30_000, 'the feedback attempted');
  officer.close();
  leader.close();
  await enforcement.stop();
  expect(handlingReports(await getCase())).toEqual([]);

  enforcement = await startEnforcementService(enforcementConfig(), { clock });
  const reported = await until(
    async () => {
      const r = handlingReports(await getCase());
      return r.length > 0 && r;
    },
    60_000,
    'handling reported to dispatch',
  );
  expect(reported).toHaveLength(1);
  expect((await getCase()).case!.status).toBe('awaiting_verification');
  expect(reported[0]).toMatchObject({ actorDepartment: 'dept.enforcement.jiefang' });
  expect(JSON.parse(reported[0]!.dataJson)).toMatchObject({ notes: `执法案件 ${efId} 已结案：不予处罚, 违建已拆除` });

  const inspector = await dispatchTesting.client(dispatch.grpcAddress, dispatchTesting.people.inspector);
  await dispatchTesting.call(inspector, 'verify', {
    caseId,
    outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED,
    notes: '现场核查通过',
  });
  await until(async () => (await getCase()).case?.status === 'closed', 60_000, 'the dispatch case closed');
  await until(async () => (await enforcement.handover.get(caseId))?.status === 'closed', 60_000, 'enforcement sees it closed');
  for (const c of [centre, inspector]) c.close();
}, 300_000);

it('a lead the squad decides not to file (不予立案) is the handling feedback of its dispatch case', async () => {
  const { caseId, centre, getCase } = await dispatchedToTheBrigade(`R-EF-NF-${Date.now()}`, 'event.05.02');
  const efId = `EF-${caseId}`;
  const officer = await squad(people.officer);
  const leader = await squad(people.leader);
  await until(async () => (await call<GetCaseResponse>(officer, 'getCase', { caseId: efId })).case, 60_000, 'the lead');
  await call(leader, 'decideNotToFile', { caseId: efId, reason: '经核查, 店主已将经营物品收回店内, 情节轻微' });
  const [report] = await until(
    async () => {
      const r = handlingReports(await getCase());
      return r.length > 0 && r;
    },
    60_000,
    'handling reported to dispatch',
  );
  expect(JSON.parse(report!.dataJson)).toMatchObject({
    notes: `执法案件 ${efId} 经核查不予立案：经核查, 店主已将经营物品收回店内, 情节轻微`,
  });
  for (const c of [centre, officer, leader]) c.close();
}, 180_000);
