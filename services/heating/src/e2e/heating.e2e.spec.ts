// The heating service in-process against the real broker and database, on a test clock: a 12345
// complaint → measured late → supervised → sub-standard → fixed → re-measured → refund approved;
// a monitoring point below 18 ℃ for 3 h → finding → complaint for its company; the edge's errors;
// a restart keeps the running limits.
import { status } from '@grpc/grpc-js';
import { TestClock } from '@yiwang/kernel-core';
import {
  type ComplaintCommandResponse,
  type GetComplaintResponse,
  type GetCompanySeasonResponse,
  type ListOpenComplaintsResponse,
} from '@yiwang/proto/yiwang/heating/v1/heating_service';
import { startHeatingService, type HeatingService } from '../service';
import { call, client, grpcCode, MEASURE, people, readTopic, rooms, testEnvironment, token, until } from '../heating.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let heating: HeatingService;
const clock = new TestClock('2026-12-01T09:00:00+08:00');
const HOUR = 3_600_000;

beforeAll(async () => {
  env = await testEnvironment(__filename);
  heating = await startHeatingService(env.config, { clock });
}, 90_000);
afterAll(async () => {
  await heating?.stop();
  await env?.t.close();
});

const get = async (c: Awaited<ReturnType<typeof client>>, complaintId: string) =>
  (await call<GetComplaintResponse>(c, 'getComplaint', { complaintId })).complaint!;

it('12345 → measured late → 督办 → sub-standard → fix → re-measured → refund approved, on the topic as CloudEvents', async () => {
  const hotline = await client(heating.grpcAddress, people.hotline);
  const company = await client(heating.grpcAddress, people.zhongzhou);
  const office = await client(heating.grpcAddress, people.office);
  const id = 'HC-E2E-0001';
  const received = await call(hotline, 'receiveComplaint', {
    complaintId: id,
    householdId: 'jz-hongxing:3-2-501',
    channel: 'hotline',
    description: '室温只有15度',
    contactName: '王女士',
    contactPhone: '13800000001',
    address: '红星小区3号楼2单元501',
    externalRef: '12345-0001',
  });
  expect(received).toMatchObject({ status: 'awaiting_measurement', version: 1 });
  // The company sees the contact, unsealed; the store holds only ciphertext.
  const seen = await until(() => get(company, id), 15_000, 'complaint read model');
  expect(seen).toMatchObject({
    companyId: 'dept.heating.zhongzhou',
    contactPhone: '13800000001',
    limit: 'measurement',
    deadline: '2026-12-02T01:00:00.000Z',
  });
  const stored = await heating.store.readStream(`heating-complaint-${id}`);
  expect(JSON.stringify(stored.events[0]!.data)).not.toContain('13800000001');

  // 24 clock hours pass unmeasured: overdue and supervised by the durable scan.
  clock.advance(24 * HOUR + 60_000);
  await until(async () => (await get(office, id)).supervisionCount === 1, 20_000, 'supervision');
  clock.advance(HOUR);
  const late = await call(company, 'recordMeasurement', {
    complaintId: id,
    rooms: rooms(15.9, 17),
    ...MEASURE,
    residentResponse: 'signed',
    cause: 'network',
  });
  expect(late).toMatchObject({
    status: 'substandard',
    eventTypes: ['heating.complaint.measured.v1', 'heating.complaint.substandard_found.v1'],
  });
  await call(company, 'reportFix', { complaintId: id, notes: '管网排气, 更换阀门' });
  clock.advance(20 * HOUR); // 2026-12-03 06:01: 45 h after the complaint
  const restored = await call(company, 'recordMeasurement', {
    complaintId: id,
    rooms: rooms(18.5, 18.2),
    ...MEASURE,
    residentResponse: 'signed',
  });
  expect(restored).toMatchObject({ status: 'refund_pending' });
  const approved = await call(office, 'approveRefund', { complaintId: id, note: '同意退费' });
  expect(approved).toMatchObject({ status: 'closed' });

  // 0.18 yuan × 120 m² × 2 days × 50 % (15.9 ℃ is 2.1 below) = 21.60 yuan
  const season = await until(
    async () => {
      const s = await call<GetCompanySeasonResponse>(office, 'getCompanySeason', { companyId: 'dept.heating.zhongzhou' });
      return s.refundsApprovedCents > 0 ? s : null;
    },
    20_000,
    'season',
  );
  expect(season).toMatchObject({
    complaints: 1,
    measured: 1,
    measuredOnTime: 0,
    substandard: 1,
    fixes: 1,
    supervised: 1,
    substandardDays: 2,
    refundsDueCents: 2160,
    refundsApprovedCents: 2160,
  });
  expect(season.refunds).toEqual([
    { householdId: 'jz-hongxing:3-2-501', complaintId: id, days: 2, percent: 50, refundCents: 2160, approved: true },
  ]);

  const onTopic = (await readTopic(env.broker, env.config.topic, 10)).filter((m) => m.event.streamId === `heating-complaint-${id}`);
  expect(onTopic.map((m) => m.event.type.replace(/^heating\.complaint\.|\.v1$/g, ''))).toEqual([
    'received',
    'overdue_marked',
    'supervised',
    'measured',
    'substandard_found',
    'fix_reported',
    'measured',
    'restored',
    'refund_computed',
    'refund_approved',
    'closed',
  ]);
  expect(onTopic[0]!.headers).toMatchObject({
    ce_specversion: '1.0',
    ce_source: '/yiwang/heating',
    ce_type: 'heating.complaint.received.v1',
  });
  expect(onTopic[0]!.headers['content-type']).toContain('yiwang.heating.v1.ComplaintReceived');

  // PIPL: erased → unreadable everywhere.
  await call(office, 'erasePersonalData', { complaintId: id });
  await until(async () => (await get(office, id)).personalDataErased, 15_000, 'erasure');
  expect(await get(office, id)).toMatchObject({ contactPhone: '', contactName: '' });
  for (const c of [hotline, company, office]) c.close();
});

it('refuses: no token, another company, bad input (nothing written), stale version', async () => {
  const anonymous = await client(heating.grpcAddress, null);
  const hotline = await client(heating.grpcAddress, people.hotline);
  const other = await client(heating.grpcAddress, people.wanfang);
  const company = await client(heating.grpcAddress, people.zhongzhou);
  const id = 'HC-E2E-0002';
  expect((await grpcCode(call(anonymous, 'receiveComplaint', { complaintId: id }))).code).toBe(status.UNAUTHENTICATED);
  await call(hotline, 'receiveComplaint', {
    complaintId: id,
    householdId: 'jz-jianshe:1-1-101',
    channel: 'hotline',
    description: '暖气不热',
  });
  await until(() => get(company, id), 15_000, 'complaint read model');
  expect((await grpcCode(call(other, 'acknowledge', { complaintId: id }))).code).toBe(status.PERMISSION_DENIED);
  expect((await grpcCode(call(other, 'getComplaint', { complaintId: id }))).code).toBe(status.PERMISSION_DENIED);
  const bad = await grpcCode(
    call(company, 'recordMeasurement', { complaintId: id, rooms: rooms(75, 18), ...MEASURE, residentResponse: 'signed' }),
  );
  expect(bad).toMatchObject({ code: status.INVALID_ARGUMENT });
  expect(bad.details).toMatch(/must lie within -40…60 ℃/);
  const unknown = await grpcCode(
    call(hotline, 'receiveComplaint', { complaintId: 'HC-E2E-0003', householdId: 'nowhere:1-1-1', channel: 'hotline', description: 'x' }),
  );
  expect(unknown).toMatchObject({ code: status.INVALID_ARGUMENT });
  expect((await heating.store.readStream('heating-complaint-HC-E2E-0003')).events).toHaveLength(0);
  expect((await grpcCode(call(company, 'acknowledge', { complaintId: id, expectedVersion: 0 }))).code).toBe(status.ABORTED);
  expect((await heating.store.readStream(`heating-complaint-${id}`)).events).toHaveLength(1);
  for (const c of [anonymous, hotline, other, company]) c.close();
});

it('a monitoring point below 18 ℃ for 3 h → one finding → a complaint for its company; bad batches store nothing', async () => {
  const start = clock.now().getTime() - 4 * HOUR;
  const readings = Array.from({ length: 24 }, (_, i) => ({
    pointId: 'jz-hongxing-mp1',
    at: new Date(start + i * 10 * 60_000).toISOString(),
    celsius: 16.5,
  }));
  const post = async (body: unknown, who = people.gateway) =>
    fetch(`${heating.httpAddress}/v1/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(who)}` },
      body: JSON.stringify(body),
    });
  const first = await post({ readings });
  expect(first.status).toBe(200);
  expect(await first.json()).toMatchObject({ accepted: 24, findingsRaised: ['jz-hongxing-mp1-1'] });
  const again = await post({ readings });
  expect(await again.json()).toMatchObject({ accepted: 24, findingsRaised: [] });
  const stored = await heating.readings.day('jz-hongxing-mp1', new Date(start + 8 * HOUR).toISOString().slice(0, 10));
  expect(stored.length).toBe(24); // the batch sent twice is stored once

  expect((await post({ readings: [{ pointId: 'jz-nowhere-mp1', at: readings[0]!.at, celsius: 17 }] })).status).toBe(400);
  expect((await post({ readings: [{ pointId: 'jz-hongxing-mp2', at: readings[0]!.at, celsius: 61 }] })).status).toBe(400);
  expect(
    (await post({ readings: [{ pointId: 'jz-hongxing-mp2', at: new Date(clock.now().getTime() + HOUR).toISOString(), celsius: 17 }] }))
      .status,
  ).toBe(400);
  expect((await post({ readings }, people.zhongzhou)).status).toBe(403);

  const company = await client(heating.grpcAddress, people.zhongzhou);
  const open = await until(
    async () => {
      const r = await call<ListOpenComplaintsResponse>(company, 'listOpenComplaints', { companyId: 'dept.heating.zhongzhou' });
      return r.complaints.find((c) => c.complaintId === 'MON-jz-hongxing-mp1-1');
    },
    15_000,
    'monitoring complaint',
  );
  expect(open).toMatchObject({ channel: 'monitoring', householdId: 'jz-hongxing:mp-1-1', status: 'awaiting_measurement' });
  const closed = await call<ComplaintCommandResponse>(company, 'recordMeasurement', {
    complaintId: open.complaintId,
    rooms: rooms(18.6, 18.4),
    ...MEASURE,
    residentResponse: 'absent',
  });
  expect(closed.status).toBe('closed');
  company.close();
});

it('a restart keeps the running limits: the scan after restart marks the one missed meanwhile', async () => {
  const hotline = await client(heating.grpcAddress, people.hotline);
  await call(hotline, 'receiveComplaint', {
    complaintId: 'HC-E2E-0004',
    householdId: 'jz-tanan:2-1-301',
    channel: 'hotline',
    description: '暖气不热',
  });
  hotline.close();
  const office0 = await client(heating.grpcAddress, people.office);
  await until(() => get(office0, 'HC-E2E-0004'), 15_000, 'complaint read model');
  office0.close();
  await heating.stop();
  clock.advance(25 * HOUR);
  heating = await startHeatingService(env.config, { clock });
  const office = await client(heating.grpcAddress, people.office);
  const c = await until(
    async () => {
      const v = await get(office, 'HC-E2E-0004');
      return v.supervisionCount === 1 ? v : null;
    },
    20_000,
    'overdue after restart',
  );
  expect(c.status).toBe('awaiting_measurement');
  office.close();
}, 60_000);
