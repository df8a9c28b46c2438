// The enforcement service in-process against the real broker and database: dispatch's case events
// on Kafka open case sources by themselves (a 私搭乱建 case dispatched to an enforcement brigade,
// while it is open), once however often they arrive, and poison goes to the dead-letter topic; a squad lists only its own
// cases, paged, with the next legal deadline, the bureau any squad's; the indicator tables rank
// the squads of the month; an illegal structure goes from its served order to its removal.
import { status } from '@grpc/grpc-js';
import { TestClock, uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { headerString, toKafkaMessage, type ConsumerOutcome, type OutgoingMessage } from '@yiwang/kernel-kafka';
import { dispatchCaseEventCodec } from '@yiwang/contracts';
import {
  type GetCaseResponse,
  type GetIndicatorsResponse,
  type ListCasesResponse,
} from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { startEnforcementService, type EnforcementService } from '../service';
import { call, client, failure, people, PERSON, testEnvironment, until } from '../enforcement.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let service: EnforcementService;
const settled: ConsumerOutcome[] = [];
const clock = new TestClock('2025-03-03T09:00:00+08:00');
const at = (local: string) => clock.set(`${local.replace(' ', 'T')}:00+08:00`);

beforeAll(async () => {
  env = await testEnvironment(__filename);
  service = await startEnforcementService(env.config, { clock, onHandoverSettled: (o) => settled.push(o) });
}, 90_000);
afterAll(async () => {
  await service?.stop();
  await env?.t.close();
});

const dispatchEvent = (caseId: string, version: number, type: string, data: object): LoggedEvent => {
  const id = uuidv7();
  const now = new Date();
  return {
    id,
    type,
    streamId: `case-${caseId}`,
    streamVersion: version,
    position: version,
    occurredAt: now,
    recordedAt: now,
    correlationId: id,
    causationId: null,
    actor: { subject: 'dispatch-router' },
    traceparent: null,
    commandId: null,
    data,
  };
};
const opened = (caseId: string, category: string) =>
  dispatchEvent(caseId, 1, 'dispatch.case.opened.v1', {
    caseId,
    reportId: `R-${caseId}`,
    category,
    cellId: '410802001001001',
    district: '解放区',
    urgency: 'high',
    openedAt: '2025-03-03T09:10:00+08:00',
  });
const dispatched = (caseId: string, unitId = 'dept.enforcement.jiefang') =>
  dispatchEvent(caseId, 2, 'dispatch.case.dispatched.v1', {
    caseId,
    unitId,
    deadline: '2025-03-03T17:10:00+08:00',
    dispatchedAt: '2025-03-03T09:11:00+08:00',
    kind: 'initial',
  });

async function publish(messages: OutgoingMessage[]): Promise<void> {
  const producer = env.broker.producer();
  await producer.connect();
  await producer.send(messages);
  await producer.disconnect();
}

async function readRaw(topic: string, minimum: number) {
  const seen: Array<{ value: Buffer | null; headers: Parameters<typeof headerString>[0] }> = [];
  const consumer = env.broker.consumer({ groupId: `reader-${topic}-${uuidv7()}` });
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  await consumer.run({ eachMessage: async (m) => void seen.push({ value: m.value ? Buffer.from(m.value) : null, headers: m.headers }) });
  try {
    await until(async () => seen.length >= minimum, 45_000, `${minimum} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

it('a 私搭乱建 dispatch case dispatched to a brigade becomes a case source of its squad, once; poison is dead-lettered', async () => {
  const topic = env.config.dispatchTopic;
  const source = { source: '/yiwang/dispatch', codec: dispatchCaseEventCodec() };
  const officer = await client(service.grpcAddress, people.officer);
  // The squad handed C-H-2 over by gRPC before dispatch's event arrived: the event finds it open.
  await call(officer, 'acceptDispatchHandover', {
    dispatchCaseId: 'C-H-2',
    district: '解放区',
    category: 'event.05.02',
    description: '店外经营',
    location: '民主路',
    party: PERSON,
  });
  const dispatch1 = dispatched('C-H-1');
  await publish([
    toKafkaMessage(topic, opened('C-H-1', 'event.01.01'), source),
    toKafkaMessage(topic, opened('C-H-2', 'event.05.02'), source),
    toKafkaMessage(topic, opened('C-H-3', 'event.04.01'), source), // not a penalty category
    toKafkaMessage(topic, opened('C-H-4', 'event.01.01'), source),
    { topic, key: 'case-C-H-1', value: Buffer.from([0xde, 0xad]), headers: { ce_type: 'dispatch.case.dispatched.v1' } },
    toKafkaMessage(topic, dispatch1, source),
    toKafkaMessage(topic, dispatch1, source), // redelivered: the inbox skips it
    toKafkaMessage(topic, dispatched('C-H-2'), source),
    toKafkaMessage(topic, dispatched('C-H-3'), source),
    toKafkaMessage(topic, dispatched('C-H-4', 'dept.municipal.jiefang'), source), // no brigade: not a source
  ]);
  await until(async () => settled.length >= 10, 60_000, 'ten dispatch messages settled');
  expect(settled.filter((o) => o === 'dead_lettered')).toHaveLength(1);
  expect(settled.filter((o) => o === 'duplicate')).toHaveLength(1);

  const stream = await service.store.readStream('enforcement-EF-C-H-1');
  expect(stream.events.map((e) => e.type)).toEqual(['enforcement.case.source_registered.v1']);
  expect(stream.events[0]!.data).toMatchObject({
    squadId: 'squad.jiefang.1',
    district: '解放区',
    source: { kind: 'dispatch_case', ref: 'C-H-1', category: 'event.01.01' },
    party: null,
  });
  expect((await service.store.readStream('enforcement-EF-C-H-2')).version).toBe(1);
  expect((await service.store.readStream('enforcement-EF-C-H-3')).version).toBe(0);
  expect((await service.store.readStream('enforcement-EF-C-H-4')).version).toBe(0);
  expect(await service.handover.get('C-H-4')).toMatchObject({ status: 'dispatched', unitId: 'dept.municipal.jiefang', squadId: '' });

  // The squad goes on from the lead as from any other: it names the party later.
  const lead = await until(async () => {
    const r = await call<GetCaseResponse>(officer, 'getCase', { caseId: 'EF-C-H-1' });
    return r.case;
  });
  expect(lead).toMatchObject({ status: 'lead', sourceKind: 'dispatch_case', sourceRef: 'C-H-1' });
  expect(lead.deadlines.map((d) => d.kind)).toEqual(['lead_check']);

  const dlq = await readRaw(`${topic}.dlq`, 1);
  expect(dlq[0]!.value).toEqual(Buffer.from([0xde, 0xad]));
  expect(headerString(dlq[0]!.headers, 'dlq_error_type')).toBe('MessageDecodeError');
  officer.close();
}, 120_000);

it('lists a squad its own cases, paged, with the next legal deadline; another squad is refused; the bureau sees all', async () => {
  const officer = await client(service.grpcAddress, people.officer);
  const other = await client(service.grpcAddress, people.otherSquad);
  const head = await client(service.grpcAddress, people.head);
  at('2025-03-04 09:00');
  for (let i = 0; i < 3; i++) {
    await call(officer, 'registerSource', {
      caseId: `EF-L-${i}`,
      district: '解放区',
      source: { kind: 'own_discovery', description: '占道经营', location: '解放路' },
    });
  }
  await call(other, 'registerSource', {
    caseId: 'EF-L-OTHER',
    district: '山阳区',
    source: { kind: 'own_discovery', description: '占道经营', location: '山阳路' },
  });
  await until(
    async () => (await call<ListCasesResponse>(head, 'listCases', { pageSize: 200 })).cases.length >= 6,
    20_000,
    'six cases listed',
  );

  const first = await call<ListCasesResponse>(officer, 'listCases', { status: 'lead', pageSize: 2 });
  expect(first.cases).toHaveLength(2);
  expect(first.nextPageToken).not.toBe('');
  const pages = [...first.cases];
  for (let token = first.nextPageToken; token;) {
    const next = await call<ListCasesResponse>(officer, 'listCases', { status: 'lead', pageSize: 2, pageToken: token });
    pages.push(...next.cases);
    token = next.nextPageToken;
  }
  expect(pages.every((c) => c.squadId === 'squad.jiefang.1')).toBe(true);
  expect(pages.map((c) => c.caseId)).toEqual(expect.arrayContaining(['EF-C-H-1', 'EF-C-H-2', 'EF-L-0', 'EF-L-1', 'EF-L-2']));
  expect(new Set(pages.map((c) => c.caseId)).size).toBe(pages.length);
  expect(pages.find((c) => c.caseId === 'EF-L-0')).toMatchObject({ nextDeadlineKind: 'lead_check', overdue: false });

  expect((await failure(call(other, 'listCases', { squadId: 'squad.jiefang.1' }))).code).toBe(status.PERMISSION_DENIED);
  expect((await failure(call(officer, 'listCases', { status: 'nonsense' }))).code).toBe(status.INVALID_ARGUMENT);
  const theirs = await call<ListCasesResponse>(head, 'listCases', { squadId: 'squad.shanyang.2' });
  expect(theirs.cases.map((c) => c.caseId)).toEqual(['EF-L-OTHER']);
  for (const c of [officer, other, head]) c.close();
}, 60_000);

it('an illegal structure from its served order to its removal by the authority; the month’s squad table counts it', async () => {
  const officer = await client(service.grpcAddress, people.officer);
  const leader = await client(service.grpcAddress, people.leader);
  const reviewer = await client(service.grpcAddress, people.reviewer);
  const head = await client(service.grpcAddress, people.head);
  const caseId = 'EF-D-1';
  at('2025-03-03 09:00');
  await call(officer, 'registerSource', {
    caseId,
    district: '解放区',
    source: { kind: 'own_discovery', description: '屋顶搭建彩钢房', location: '民主路 9 号' },
    party: PERSON,
  });
  await call(officer, 'orderStopConstruction', { caseId, order: '立即停止建设' });
  await call(officer, 'recordInvestigation', { caseId, kind: 'inspection', officers: ['zhang.wei', 'liu.yang'], notes: '现场检查' });
  at('2025-03-05 10:00');
  await call(leader, 'fileCase', { caseId, cause: '未取得建设工程规划许可证进行建设', flags: ['illegal_structure'] });
  at('2025-03-10 10:00');
  const demolish = { kinds: ['order_demolition'] };
  await call(officer, 'issuePriorNotice', { caseId, facts: '违法搭建', grounds: '《城乡规划法》第六十四条', intended: demolish });
  at('2025-03-11 09:00');
  await call(officer, 'recordStatement', { caseId, summary: '无异议, 放弃听证', waivesHearing: true });
  await call(reviewer, 'recordLegalReview', { caseId, outcome: 'approved', opinion: '同意' });
  at('2025-03-12 10:00');
  await call(leader, 'decide', { caseId, outcome: 'penalty', penalty: demolish, reasons: '限期拆除' });
  await call(officer, 'publishDecision', { caseId });
  at('2025-03-13 10:00');
  await call(officer, 'serveDecision', { caseId, method: 'in_person' });
  at('2025-03-14 10:00');
  await call(leader, 'announceDemolition', { caseId, periodDays: 30, notice: '限期自行拆除公告' });
  at('2025-04-14 09:00');
  await call(officer, 'demandDemolition', { caseId });
  // One day before the litigation period ends: refused, nothing stored.
  at('2025-09-13 10:00');
  const early = await failure(call(leader, 'decideForcedDemolition', { caseId, reasons: '逾期不拆' }));
  expect(early.code).toBe(status.FAILED_PRECONDITION);
  expect(early.details).toMatch(/Art 44/);
  const before = (await service.store.readStream(`enforcement-${caseId}`)).version;
  at('2025-09-14 10:00');
  await call(leader, 'decideForcedDemolition', { caseId, reasons: '逾期不拆' });
  at('2025-09-15 09:00');
  const night = await failure(
    call(leader, 'scheduleDemolition', { caseId, demolitionAt: '2025-09-19T23:00:00+08:00', executor: '拆违办' }),
  );
  expect(night.details).toMatch(/Art 43/);
  await call(leader, 'scheduleDemolition', { caseId, demolitionAt: '2025-09-19T09:00:00+08:00', executor: '拆违办' });
  at('2025-09-19 12:00');
  await call(officer, 'recordDemolition', { caseId, by: 'authority', note: '已依法拆除' });
  const r = await call(leader, 'closeCase', { caseId, result: '违法建设已拆除' });
  expect(r).toMatchObject({ status: 'closed', version: before + 4 });

  const table = await until(async () => {
    const t = await call<GetIndicatorsResponse>(head, 'getIndicators', { period: '2025-09', rankBy: 'decided_on_time_rate' });
    return t.rows.find((row) => row.key === 'squad.jiefang.1' && row.demolitions === 1) ? t : null;
  });
  expect(table).toMatchObject({ period: '2025-09', previousPeriod: '2025-08', scope: 'squad' });
  const march = await call<GetIndicatorsResponse>(head, 'getIndicators', { period: '2025-03', rankBy: 'publication_on_time_rate' });
  expect(march.rows.find((row) => row.key === 'squad.jiefang.1')).toMatchObject({ filed: 1, decided: 1, published: 1, rate: 1, rank: 1 });
  expect((await failure(call(officer, 'getIndicators', { period: '2025-03' }))).code).toBe(status.PERMISSION_DENIED);
  expect((await failure(call(head, 'getIndicators', { period: '2025-3' }))).code).toBe(status.INVALID_ARGUMENT);
  for (const c of [officer, leader, reviewer, head]) c.close();
}, 90_000);
