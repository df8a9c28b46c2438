// The parking service in-process against the real broker and database: dispatch's 机动车乱停放
// case answered by a violation (dispatch's events consumed through the inbox, a poison message
// dead-lettered, a redelivery ignored, the handling reported to dispatch once), and the paged gRPC
// lists of a squad's open notices and hot spots, each squad seeing its own.
import { status } from '@grpc/grpc-js';
import { TestClock, uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { headerString, toKafkaMessage, type OutgoingMessage } from '@yiwang/kernel-kafka';
import { dispatchCaseEventCodec } from '@yiwang/contracts';
import {
  type CommandResponse,
  type ListHotSpotsResponse,
  type ListOpenNoticesResponse,
} from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { type DispatchFeedback } from '../application/dispatch-link';
import { startParkingService, type ParkingService } from '../service';
import { call, client, grpcError, people, testEnvironment, until } from '../parking.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let parking: ParkingService;
const clock = new TestClock('2026-03-02T10:00:00+08:00');
const reports: Array<Parameters<DispatchFeedback['reportHandling']>[0]> = [];
const feedback: DispatchFeedback = {
  reportHandling: async (input) => {
    reports.push(input);
    return 'reported';
  },
};

beforeAll(async () => {
  env = await testEnvironment(__filename);
  parking = await startParkingService(env.config, { clock, dispatchFeedback: feedback });
}, 60_000);
afterAll(async () => {
  await parking?.stop();
  await env?.t.close();
});

const codec = dispatchCaseEventCodec();
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

async function publish(messages: OutgoingMessage[]): Promise<void> {
  const producer = env.broker.producer();
  await producer.connect();
  await producer.send(messages);
  await producer.disconnect();
}

const officerViolation = (over: object = {}) => ({
  plate: '豫H66666',
  vehicleType: 'small_car',
  lat: 35.2405,
  lon: 113.2301,
  road: '解放路',
  kind: 'blocking_entrance',
  photoRefs: ['p/case.jpg'],
  squad: 'dept.parking.jiefang',
  ...over,
});

it('a 机动车乱停放 case dispatched to the squad is answered by a violation: handling reported once, poison dead-lettered', async () => {
  const topic = env.config.dispatchTopic;
  const opened = dispatchEvent('C-P1', 1, 'dispatch.case.opened.v1', {
    caseId: 'C-P1',
    reportId: 'R-P1',
    category: 'event.05.03',
    cellId: '410802001001001',
    district: '解放区',
    urgency: 'normal',
    openedAt: '2026-03-02T09:40:00+08:00',
  });
  const dispatched = dispatchEvent('C-P1', 2, 'dispatch.case.dispatched.v1', {
    caseId: 'C-P1',
    unitId: 'dept.enforcement.jiefang',
    deadline: '2026-03-02T11:40:00+08:00',
    dispatchedAt: '2026-03-02T09:41:00+08:00',
    kind: 'initial',
  });
  const garbage = dispatchEvent('C-OTHER', 1, 'dispatch.case.opened.v1', {
    caseId: 'C-OTHER',
    reportId: 'R-O',
    category: 'event.01.02', // exposed garbage: not parking's
    cellId: '410802001001001',
    district: '解放区',
    urgency: 'normal',
    openedAt: '2026-03-02T09:40:00+08:00',
  });
  const source = { source: '/yiwang/dispatch', codec };
  await publish([
    toKafkaMessage(topic, opened, source),
    { topic, key: 'case-C-P1', value: Buffer.from([0xde, 0xad]), headers: { 'content-type': 'application/octet-stream' } },
    toKafkaMessage(topic, garbage, source),
    toKafkaMessage(topic, dispatched, source),
    toKafkaMessage(topic, dispatched, source), // redelivered: the inbox skips it
  ]);
  await until(async () => (await parking.dispatchLink.get('C-P1'))?.status === 'dispatched', 45_000, 'case C-P1 dispatched');
  expect(await parking.dispatchLink.get('C-P1')).toMatchObject({
    squad: 'dept.parking.jiefang',
    unitId: 'dept.enforcement.jiefang',
    cellId: '410802001001001',
    version: 2,
  });
  expect(await parking.dispatchLink.get('C-OTHER')).toBeNull();

  const officer = await client(parking.grpcAddress, people.officer);
  const other = await client(parking.grpcAddress, people.shanyang);
  // Another squad cannot answer it; an unknown case is refused; nothing is stored either way.
  const foreign = await grpcError(
    call(other, 'recordViolation', officerViolation({ violationId: 'V-DL-X', squad: 'dept.parking.shanyang', dispatchCaseId: 'C-P1' })),
  );
  expect(foreign.code).toBe(status.PERMISSION_DENIED);
  const unknown = await grpcError(call(officer, 'recordViolation', officerViolation({ violationId: 'V-DL-Y', dispatchCaseId: 'C-NONE' })));
  expect(unknown.code).toBe(status.INVALID_ARGUMENT);
  expect(unknown.details).toContain('C-NONE');
  expect((await parking.store.readStream('parking-violation-V-DL-X')).version).toBe(0);
  expect((await parking.store.readStream('parking-violation-V-DL-Y')).version).toBe(0);

  const v = await call<CommandResponse>(officer, 'recordViolation', officerViolation({ violationId: 'V-DL-1', dispatchCaseId: 'C-P1' }));
  const done = await call<CommandResponse>(officer, 'warnDriver', { violationId: v.id, complied: true });
  expect(done.status).toBe('closed');

  await until(async () => reports.length > 0, 45_000, 'handling reported to dispatch');
  await until(async () => (await parking.dispatchLink.get('C-P1'))?.answeredBy.includes('V-DL-1'), 20_000, 'answer recorded');
  expect(reports).toEqual([
    {
      caseId: 'C-P1',
      unitId: 'dept.enforcement.jiefang',
      notes: expect.stringContaining('劝离') as string,
      commandId: 'parking-feedback-V-DL-1',
    },
  ]);

  // Dispatch closes the case after verification; a later violation can no longer name it.
  await publish([
    toKafkaMessage(
      topic,
      dispatchEvent('C-P1', 5, 'dispatch.case.closed.v1', {
        caseId: 'C-P1',
        reportId: 'R-P1',
        unitId: 'dept.enforcement.jiefang',
        onTime: true,
        closedAt: '2026-03-02T11:00:00+08:00',
      }),
      source,
    ),
  ]);
  await until(async () => (await parking.dispatchLink.get('C-P1'))?.status === 'closed', 45_000, 'case C-P1 closed');
  const late = await grpcError(call(officer, 'recordViolation', officerViolation({ violationId: 'V-DL-2', dispatchCaseId: 'C-P1' })));
  expect(late.code).toBe(status.FAILED_PRECONDITION);
  expect(reports).toHaveLength(1);

  // The undecodable message went to the dead-letter topic with the reason.
  const dlq = await readRaw(`${topic}.dlq`, 1);
  expect(dlq[0]!.value).toEqual(Buffer.from([0xde, 0xad]));
  expect(headerString(dlq[0]!.headers, 'dlq_error_type')).toBe('MessageDecodeError');
  for (const c of [officer, other]) c.close();
}, 120_000);

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

it('lists a squad its open notices and hot spots, paged; another squad is refused', async () => {
  const officer = await client(parking.grpcAddress, people.officer);
  const other = await client(parking.grpcAddress, people.shanyang);
  const plates = await client(parking.grpcAddress, people.plates);
  const spots = [
    { lat: 35.2405, lon: 113.2301, road: '解放路' },
    { lat: 35.2405, lon: 113.2301, road: '解放路' },
    { lat: 35.2401, lon: 113.2337, road: '人民路' },
  ];
  for (const [i, s] of spots.entries()) {
    const id = `V-LIST-${i}`;
    await call<CommandResponse>(
      officer,
      'recordViolation',
      officerViolation({ violationId: id, plate: `豫H7000${i}`, kind: 'pavement', ...s }),
    );
    await call<CommandResponse>(officer, 'warnDriver', { violationId: id, complied: false });
    await call<CommandResponse>(officer, 'issueNotice', { violationId: id, noticeNo: `JF-L-${i}` });
  }
  const first = await until(
    async () => {
      const r = await call<ListOpenNoticesResponse>(officer, 'listOpenNotices', { pageSize: 2 });
      return r.total === 3 && r;
    },
    20_000,
    'three open notices',
  );
  expect(first.squad).toBe('dept.parking.jiefang');
  expect(first.notices).toHaveLength(2);
  expect(first.notices.every((n) => n.step === 'noticed' && n.deadline !== '')).toBe(true);
  const second = await call<ListOpenNoticesResponse>(officer, 'listOpenNotices', { pageSize: 2, pageToken: first.nextPageToken });
  expect(second.notices).toHaveLength(1);
  expect(second.nextPageToken).toBe('');
  expect(new Set([...first.notices, ...second.notices].map((n) => n.violationId))).toEqual(new Set(['V-LIST-0', 'V-LIST-1', 'V-LIST-2']));

  const hot = await until(
    async () => {
      const r = await call<ListHotSpotsResponse>(officer, 'listHotSpots', { pageSize: 1 });
      return r.total === 2 && r.hotSpots[0]!.total >= 2 && r;
    },
    20_000,
    'hot spots',
  );
  expect(hot.hotSpots[0]!.hours).toHaveLength(24);
  expect(hot.hotSpots[0]!.hours[10]).toBe(hot.hotSpots[0]!.total); // all recorded at 10:00 local
  const rest = await call<ListHotSpotsResponse>(officer, 'listHotSpots', { pageSize: 1, pageToken: hot.nextPageToken });
  expect(rest.hotSpots[0]!.total).toBe(1);
  expect(rest.nextPageToken).toBe('');

  // Scoped: another squad sees its own (nothing), not jiefang's; the centre role sees any.
  expect((await call<ListOpenNoticesResponse>(other, 'listOpenNotices', {})).total).toBe(0);
  expect((await grpcError(call(other, 'listOpenNotices', { squad: 'dept.parking.jiefang' }))).code).toBe(status.PERMISSION_DENIED);
  expect((await grpcError(call(other, 'listHotSpots', { squad: 'dept.parking.jiefang' }))).code).toBe(status.PERMISSION_DENIED);
  expect((await call<ListOpenNoticesResponse>(plates, 'listOpenNotices', { squad: 'dept.parking.jiefang' })).total).toBe(3);
  const badToken = await grpcError(call(officer, 'listOpenNotices', { pageToken: 'abc' }));
  expect(badToken.code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(call(officer, 'listHotSpots', { pageSize: 501 }))).code).toBe(status.INVALID_ARGUMENT);
  expect((await grpcError(call(await client(parking.grpcAddress, null), 'listHotSpots', {}))).code).toBe(status.UNAUTHENTICATED);
  for (const c of [officer, other, plates]) c.close();
}, 120_000);
