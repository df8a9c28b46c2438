// The enforcement service in-process against the real broker and database, on a moved clock: a
// dispatch case handed over (私搭乱建) goes through investigation, filing, prior notice, hearing,
// legal review, decision, publication (双公示), service, an unpaid fine with its capped surcharge,
// a demand (催告) and a court application (非诉执行) — with a restart in the middle that leaves
// every deadline intact — then is revoked and its publication withdrawn; an on-the-spot fine;
// bad input refused with nothing stored; the party never on Kafka in clear, erasable.
import { status } from '@grpc/grpc-js';
import { TestClock } from '@yiwang/kernel-core';
import { type GetCaseResponse } from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { startEnforcementService, type EnforcementService } from '../service';
import { call, client, failure, people, PERSON, readTopic, testEnvironment, until } from '../enforcement.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let service: EnforcementService;
const clock = new TestClock('2025-03-03T09:00:00+08:00');
const at = (local: string) => clock.set(`${local.replace(' ', 'T')}:00+08:00`);

beforeAll(async () => {
  env = await testEnvironment(__filename);
  service = await startEnforcementService(env.config, { clock });
}, 90_000);
afterAll(async () => {
  await service?.stop();
  await env?.t.close();
});

type Clients = Record<keyof typeof people, Awaited<ReturnType<typeof client>>>;
const clients = async (): Promise<Clients> => {
  const entries = await Promise.all(Object.entries(people).map(async ([k, p]) => [k, await client(service.grpcAddress, p)] as const));
  return Object.fromEntries(entries) as Clients;
};
const closeAll = (c: Clients) => Object.values(c).forEach((x) => x.close());
const getCase = (c: Clients[keyof Clients], caseId: string, minVersion: number) =>
  until(
    async () => {
      const r = await call<GetCaseResponse>(c, 'getCase', { caseId });
      return r.case && r.case.version >= minVersion ? r.case : null;
    },
    20_000,
    `case ${caseId} at version ${minVersion}`,
  );

it('a handed-over illegal structure: notice, hearing, decision, publication, unpaid fine, demand, court, revocation', async () => {
  let c = await clients();
  const anonymous = await client(service.grpcAddress, null);
  expect((await failure(call(anonymous, 'getCase', { caseId: 'EF-x' }))).code).toBe(status.UNAUTHENTICATED);
  anonymous.close();

  const handover = {
    dispatchCaseId: 'C-R-1001',
    district: '解放区',
    category: 'event.01.01',
    description: '屋顶违法搭建彩钢房',
    location: '民主路 1 号',
    party: PERSON,
  };
  const first = await call(c.officer, 'acceptDispatchHandover', handover);
  expect(first).toMatchObject({ caseId: 'EF-C-R-1001', status: 'lead', version: 1 });
  expect(await call(c.officer, 'acceptDispatchHandover', handover)).toMatchObject({ caseId: 'EF-C-R-1001', replayed: true, version: 1 });
  const caseId = first.caseId;

  // Bad input and foreign squads: a clear status, nothing stored.
  const act = {
    caseId,
    kind: 'inspection',
    officers: ['zhang.wei', 'liu.yang'],
    notes: '现场检查',
    evidence: [{ kind: 'camera', description: '监控截图', fileRefs: ['v/1.mp4'], cameraSiteId: 'cam.jiefang.001' }],
  };
  expect(await failure(call(c.officer, 'recordInvestigation', { ...act, officers: ['zhang.wei'] }))).toMatchObject({
    code: status.INVALID_ARGUMENT,
    details: expect.stringMatching(/Art 42/),
  });
  expect((await failure(call(c.otherSquad, 'recordInvestigation', act))).code).toBe(status.PERMISSION_DENIED);
  expect(
    (
      await failure(
        call(c.officer, 'registerSource', {
          district: '解放区',
          source: { kind: 'own_discovery', description: 'x', location: 'y' },
          party: { ...PERSON, type: 'alien' },
        }),
      )
    ).code,
  ).toBe(status.INVALID_ARGUMENT);
  expect((await failure(call(c.officer, 'recordInvestigation', { ...act, expectedVersion: 0 }))).code).toBe(status.ABORTED);
  expect((await getCase(c.officer, caseId, 1)).version).toBe(1);

  at('2025-03-04 10:00');
  await call(c.officer, 'recordInvestigation', act);
  at('2025-03-05 10:00');
  expect(await call(c.leader, 'fileCase', { caseId, cause: '未取得规划许可擅自搭建', flags: ['illegal_structure'] })).toMatchObject({
    status: 'investigating',
  });
  expect(
    await failure(call(c.leader, 'decide', { caseId, outcome: 'penalty', penalty: { kinds: ['fine'], fineFen: 100_000 }, reasons: 'x' })),
  ).toMatchObject({ code: status.FAILED_PRECONDITION, details: expect.stringMatching(/Art 44/) });

  at('2025-03-10 10:00');
  await call(c.officer, 'issuePriorNotice', {
    caseId,
    facts: '擅自搭建彩钢房 40 平方米',
    grounds: '《城乡规划法》第六十四条',
    intended: { kinds: ['fine'], fineFen: 1_000_000 },
  });
  // Asked on the sixth working day after the notice: refused with the rule, nothing stored. (The
  // clock then goes back to the fifth day, when the party did ask.)
  at('2025-03-18 09:00');
  expect(await failure(call(c.officer, 'requestHearing', { caseId }))).toMatchObject({
    code: status.FAILED_PRECONDITION,
    details: expect.stringMatching(/within 5 working days.*Art 64\(1\)/),
  });
  expect((await call<GetCaseResponse>(c.officer, 'getCase', { caseId })).case!.version).toBe(4);
  at('2025-03-17 17:00');
  await call(c.officer, 'requestHearing', { caseId });
  at('2025-03-18 10:00');
  expect(
    (await failure(call(c.hearing, 'scheduleHearing', { caseId, hearingAt: '2025-03-26T09:00:00+08:00', place: '听证室' }))).code,
  ).toBe(status.INVALID_ARGUMENT);
  await call(c.hearing, 'scheduleHearing', { caseId, hearingAt: '2025-03-28T09:00:00+08:00', place: '听证室' });
  at('2025-03-28 11:00');
  await call(c.hearing, 'recordHearing', { caseId, record: '当事人承认违法事实, 请求从轻' });
  at('2025-03-31 10:00');
  const decide = { caseId, outcome: 'penalty', penalty: { kinds: ['fine'], fineFen: 800_000 }, reasons: '从轻处罚' };
  expect(await failure(call(c.leader, 'decide', decide))).toMatchObject({
    code: status.FAILED_PRECONDITION,
    details: expect.stringMatching(/Art 58/),
  });
  await call(c.reviewer, 'recordLegalReview', { caseId, outcome: 'approved', opinion: '同意' });
  expect(await failure(call(c.leader, 'decide', { ...decide, penalty: { kinds: ['fine'], fineFen: 1_000_100 } }))).toMatchObject({
    details: expect.stringMatching(/Art 45/),
  });
  expect(await call(c.leader, 'decide', decide)).toMatchObject({ status: 'decided' });
  at('2025-04-01 10:00');
  await call(c.officer, 'publishDecision', { caseId });
  expect(await call(c.officer, 'serveDecision', { caseId, method: 'in_person' })).toMatchObject({ status: 'awaiting_payment' });
  const published = await until(
    async () => {
      const r = await fetch(`${service.httpAddress}/public/v1/penalty-decisions?month=2025-04`);
      const body = (await r.json()) as { decisions: Array<{ caseId: string; publicName: string; penaltySummary: string }> };
      return body.decisions.find((d) => d.caseId === caseId);
    },
    20_000,
    'publication',
  );
  expect(published).toMatchObject({ publicName: '王**', penaltySummary: '罚款 8000.00 元' });

  // A restart in the middle: the payment deadline lives in the read model, not in memory.
  closeAll(c);
  await service.stop();
  service = await startEnforcementService(env.config, { clock });
  c = await clients();
  at('2025-04-20 10:00');
  await getCase(c.officer, caseId, 11);
  // Whichever replica holds the lease (this one, or its background loop) marks it, once.
  await service.deadlines.scanOnce();
  const overdue = await getCase(c.officer, caseId, 12);
  await service.deadlines.scanOnce();
  expect(overdue.deadlines).toEqual([{ kind: 'payment', deadline: '2025-04-16T16:00:00.000Z', overdue: true, marked: true }]);
  expect(overdue).toMatchObject({ partyName: '王小明', partyIdNumber: '410802199001011234', surchargeFen: 96_000, amountDueFen: 896_000 });

  expect(await failure(call(c.officer, 'demandPayment', { caseId }))).toMatchObject({
    details: expect.stringMatching(/行政强制法 Art 53/),
  });
  at('2025-10-05 10:00');
  const record = await call<GetCaseResponse>(c.officer, 'getCase', { caseId });
  expect(record.history.filter((h) => h.type === 'enforcement.case.deadline_missed.v1')).toHaveLength(1);
  expect(await call(c.officer, 'demandPayment', { caseId })).toMatchObject({ status: 'demanded' });
  expect(await getCase(c.officer, caseId, 13)).toMatchObject({ surchargeFen: 800_000, amountDueFen: 1_600_000 });
  // Demanded on the last day of the National Day holiday: its 10 working days (Art 69) are 9 and
  // 10 October, the make-up Saturday 11 October and seven more, to the end of Tue 21 October.
  at('2025-10-21 17:00');
  expect(await failure(call(c.leader, 'applyToCourt', { caseId, court: '解放区人民法院' }))).toMatchObject({
    details: expect.stringMatching(/10 working days run until 2025-10-21T10:00:00.000Z.*Art 54/),
  });
  at('2025-10-22 09:00');
  expect(await call(c.leader, 'applyToCourt', { caseId, court: '解放区人民法院' })).toMatchObject({ status: 'court_applied' });

  at('2025-10-23 10:00');
  await call(c.head, 'revokeDecision', { caseId, reason: '复议决定撤销' });
  await call(c.officer, 'withdrawPublication', { caseId });
  await until(
    async () => {
      const r = await fetch(`${service.httpAddress}/public/v1/penalty-decisions/${caseId}`);
      return ((await r.json()) as { withdrawnAt?: string }).withdrawnAt;
    },
    20_000,
    'withdrawal',
  );
  const list = (await (await fetch(`${service.httpAddress}/public/v1/penalty-decisions?month=2025-04`)).json()) as { decisions: unknown[] };
  expect(list.decisions).toEqual([]);

  // On Kafka: CloudEvents with protobuf data, the party sealed.
  const messages = await readTopic(env.broker, env.config.topic, 16);
  expect(messages[0]!.headers).toMatchObject({
    ce_type: 'enforcement.case.source_registered.v1',
    ce_source: '/yiwang/enforcement',
    'content-type': expect.stringMatching(/^application\/protobuf/),
  });
  for (const m of messages) expect(m.raw.toString('utf8')).not.toMatch(/王小明|410802199001011234|13800000000/);

  // Erasure: the party is gone everywhere at once.
  await call(c.leader, 'erasePersonalData', { caseId });
  const erased = await getCase(c.officer, caseId, 17);
  expect(erased).toMatchObject({ personalDataErased: true, partyName: '', partyIdNumber: '' });
  closeAll(c);
});

it('on the spot: 200 yuan for a person is decided and served at once; 201 yuan is refused and stores nothing', async () => {
  const c = await clients();
  at('2025-05-06 10:00');
  const spot = {
    district: '解放区',
    source: { kind: 'own_discovery', description: '店外经营', location: '民主路' },
    party: { type: 'person', name: '李四', idNumber: '410802198505051234' },
    officers: ['zhang.wei', 'liu.yang'],
    facts: '店外摆摊',
  };
  const refused = await failure(
    call(c.officer, 'decideOnTheSpot', { ...spot, caseId: 'EF-SPOT-2', penalty: { kinds: ['fine'], fineFen: 20_100 } }),
  );
  expect(refused).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/200.00 元.*Art 51/) });
  expect((await failure(call(c.officer, 'getCase', { caseId: 'EF-SPOT-2' }))).code).toBe(status.NOT_FOUND);
  expect(
    await call(c.officer, 'decideOnTheSpot', { ...spot, caseId: 'EF-SPOT-1', penalty: { kinds: ['fine'], fineFen: 20_000 } }),
  ).toMatchObject({ status: 'awaiting_payment' });
  expect(await getCase(c.officer, 'EF-SPOT-1', 1)).toMatchObject({
    amountDueFen: 20_000,
    deadlines: [{ kind: 'payment', deadline: '2025-05-21T16:00:00.000Z', overdue: false, marked: false }],
  });
  expect(await call(c.officer, 'recordPayment', { caseId: 'EF-SPOT-1', amountFen: 20_000, receipt: 'POS-1' })).toMatchObject({
    status: 'executed',
  });
  closeAll(c);
});
