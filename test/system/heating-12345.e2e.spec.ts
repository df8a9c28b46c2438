// The 12345 heating path end to end, in one process against the real broker and database: the
// simulated centre sends a 供热 work order naming the flat → integration → intake (filed, handed to
// heating; dispatch opens no case) → heating opens the complaint under the report's case id →
// measured late (heating's clock moved 24 h) → 督办 → sub-standard → fixed → re-measured → refund
// statement; the centre's copy of the case follows (accepted → in progress → closed).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { status } from '@grpc/grpc-js';
import { TestClock } from '@yiwang/kernel-core';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import { loadHeatingConfig, startHeatingService, type HeatingService } from '@yiwang/heating';
import * as heatingApi from '@yiwang/proto/yiwang/heating/v1/heating_service';
import { DispatchServiceClient, GetCaseRequest } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { testServers } from '@yiwang/testing';
import {
  type Link,
  centreCommand,
  dispatchedUnit,
  grpcFailure,
  linkClient,
  order,
  SECRET,
  startLink,
  submitAsCentre,
  until,
} from './opscenter-link.test-helpers';

const HOUR = 3_600_000;
const REGISTERED = 1;
const IN_PROGRESS = 3;
const CLOSED = 7;

let link: Link;
let heating: HeatingService;
const clock = new TestClock(new Date());

beforeAll(async () => {
  link = await startLink(__filename);
  const servers = testServers();
  heating = await startHeatingService(
    loadHeatingConfig({
      BIND_HOST: '127.0.0.1',
      HEATING_GRPC_PORT: '0',
      HEATING_HTTP_PORT: '0',
      MONGODB_URI: servers.mongoUri,
      HEATING_DB: `${link.prefix}_heating`,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      // The topics the link's intake publishes on and its integration reads.
      HEATING_TOPIC: `yiwang.${link.prefix}_heating.events.v1`,
      INTAKE_TOPIC: `yiwang.${link.prefix}_intake.events.v1`,
      HEATING_CONSUMER_GROUP: `${link.prefix}.heating`,
      DEADLINE_SCAN_INTERVAL_MS: '200',
      AUTH_JWT_SECRET: SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    }),
    { clock },
  );
}, 150_000);
afterAll(async () => {
  await heating?.stop();
  await link?.close();
});

const office: Principal = { subject: 'li.na', department: 'heating.office', roles: ['heating.supervision'] };
const company: Principal = { subject: 'zhang.wei', department: 'dept.heating.zhongzhou', roles: [] };
const MEASURE = { doorsClosedMinutes: 60, position: 'room_centre', heightCm: 100, photoRefs: ['p/thermo.jpg'] };
const rooms = (bedroom: number, living: number) => [
  { room: '主卧', roomType: 'bedroom', celsius: bedroom },
  { room: '客厅', roomType: 'living_room', celsius: living },
];

async function heatingClient(who: Principal) {
  return createGrpcClient(heatingApi.HeatingServiceClient, heating.grpcAddress, {
    token: await signToken(who, { secret: SECRET }),
    defaultDeadlineMs: 30_000,
  });
}
function call<Res = heatingApi.ComplaintCommandResponse>(c: heatingApi.HeatingServiceClient, method: string, request: object) {
  const fn = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(c);
  const type = `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`;
  const fns = (heatingApi as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type]!;
  return callUnary(fn as never, fns.fromPartial(request)) as Promise<Res>;
}

/** `yiwang …` as its own process, reading heating's log as an analyst. */
async function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const analyst: Principal = { subject: 'an.alyst', department: 'centre.supervision', roles: ['analyst.replay'] };
  const env = { ...process.env, YIWANG_TOKEN: await signToken(analyst, { secret: SECRET }), YIWANG_HEATING_GRPC: heating.grpcAddress };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(resolve(__dirname, '..', '..'), 'apps', 'cli', 'bin', 'yiwang.mjs'), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The centre's own retry: UNAVAILABLE / DEADLINE_EXCEEDED mean "send the same order again" (a loaded machine). */
async function retried<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (attempt >= 8 || (code !== status.UNAVAILABLE && code !== status.DEADLINE_EXCEEDED)) throw e;
    }
  }
}

/** The centre's copy of the case once it reached `state`; on a timeout, where integration's side of the link stood. */
async function atCentre(caseId: string, state: number, minSequence = 1) {
  try {
    return await until(
      async () => {
        const c = await link.simulator.store.get(caseId);
        return c && c.state === state && c.sequence >= minSequence ? c : null;
      },
      120_000,
      `case ${caseId} in state ${state} at the centre`,
    );
  } catch (e) {
    const { state: sync } = await link.integration.sync.state(caseId);
    const centre = await link.simulator.store.get(caseId);
    throw new Error(
      `${String(e)}; integration saw sequence ${sync.lastSequence} (${sync.view?.state}), ${sync.unacknowledged.length} unacknowledged; the centre has ${centre?.sequence} (${centre?.state})`,
    );
  }
}

it('a 12345 heating order: handed to heating, measured late, 督办, sub-standard, fixed, refund; the centre follows', async () => {
  const centre = linkClient(link, 'centre');
  const household = { compound: 'jz-hongxing', building: '3', unit: '2', room: '501' };
  const heatingOrder = order(link, 0, { categoryCode: 'SR-0601', description: '家中室温只有15度', household });
  const accepted = await retried(() => submitAsCentre(centre, heatingOrder));
  expect(accepted.caseId).toBe(`C-${accepted.reportId}`);
  // The same order again: the same case, nothing new (idempotent by external id, then by report id).
  expect(await retried(() => submitAsCentre(centre, heatingOrder))).toMatchObject({ created: false, caseId: accepted.caseId });

  const sup = await heatingClient(office);
  const firm = await heatingClient(company);
  const get = async () => (await call<heatingApi.GetComplaintResponse>(sup, 'getComplaint', { complaintId: accepted.caseId })).complaint!;
  const lodged = await until(get, 60_000, 'the complaint in heating');
  expect(lodged).toMatchObject({
    householdId: 'jz-hongxing:3-2-501',
    companyId: 'dept.heating.zhongzhou',
    channel: 'hotline',
  });
  const stream = await heating.store.readStream(`heating-complaint-${accepted.caseId}`);
  expect(stream.events[0]!.data).toMatchObject({ externalRef: accepted.reportId });
  const registered = await atCentre(accepted.caseId, REGISTERED);
  expect(registered.responsibleUnit).toBe('dept.heating.zhongzhou');

  // Dispatch read the same filing and opened nothing: an ordinary order sent after it gets its
  // case, the heating one has none.
  const control = await retried(() => submitAsCentre(centre, order(link, 3)));
  await dispatchedUnit(link, control.caseId);
  const dispatch = createGrpcClient(DispatchServiceClient, link.dispatch.grpcAddress, {
    token: await signToken(centreCommand, { secret: SECRET }),
  });
  const none = await grpcFailure(callUnary(dispatch.getCase.bind(dispatch), GetCaseRequest.fromPartial({ caseId: accepted.caseId })));
  expect(none.code).toBe(status.NOT_FOUND);
  dispatch.close();

  // 24 clock hours pass unmeasured: heating's durable scan marks it overdue and supervises it.
  clock.advance(24 * HOUR + 60_000);
  heating.scheduler.wake(); // the scan backs off at rest; the clock moved under it
  await until(async () => (await get()).supervisionCount === 1, 90_000, '督办');
  clock.advance(HOUR);
  const late = await call(firm, 'recordMeasurement', {
    complaintId: accepted.caseId,
    rooms: rooms(15.9, 17),
    ...MEASURE,
    residentResponse: 'signed',
    cause: 'network',
  });
  expect(late).toMatchObject({ status: 'substandard' });
  const inProgress = await atCentre(accepted.caseId, IN_PROGRESS);
  expect(inProgress.deadline).not.toBeNull();
  await call(firm, 'reportFix', { complaintId: accepted.caseId, notes: '管网排气, 更换阀门' });
  clock.advance(20 * HOUR);
  expect(
    await call(firm, 'recordMeasurement', {
      complaintId: accepted.caseId,
      rooms: rooms(18.5, 18.2),
      ...MEASURE,
      residentResponse: 'signed',
    }),
  ).toMatchObject({ status: 'refund_pending' });
  expect(await call(sup, 'approveRefund', { complaintId: accepted.caseId, note: '同意退费' })).toMatchObject({ status: 'closed' });

  // The refund statement: 0.18 yuan × 120 m² × 2 days × 50 % (15.9 ℃ is 2.1 below) = 21.60 yuan.
  const season = await until(
    async () => {
      const s = await call<heatingApi.GetCompanySeasonResponse>(sup, 'getCompanySeason', { companyId: 'dept.heating.zhongzhou' });
      return s.refundsApprovedCents > 0 ? s : null;
    },
    60_000,
    'the refund statement',
  );
  expect(season.refunds).toEqual([
    { householdId: 'jz-hongxing:3-2-501', complaintId: accepted.caseId, days: 2, percent: 50, refundCents: 2160, approved: true },
  ]);
  expect(season).toMatchObject({ complaints: 1, measuredOnTime: 0, supervised: 1, substandardDays: 2 });

  // The centre saw each change once, in order: accepted, then in progress (with the overdue mark),
  // then closed — the whole complaint stream, 11 events, without gaps.
  const closed = await atCentre(accepted.caseId, CLOSED, 11);
  const changes = closed.history.filter((h) => h.kind === 'change');
  expect(changes.map((h) => h.sequence)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  expect(changes.map((h) => `${h.eventType.replace(/^heating\.complaint\.|\.v1$/g, '')}:${h.state}`)).toEqual([
    'received:1',
    'overdue_marked:1',
    'supervised:1',
    'measured:3',
    'substandard_found:3',
    'fix_reported:3',
    'measured:3',
    'restored:3',
    'refund_computed:3',
    'refund_approved:3',
    'closed:7',
  ]);
  expect(closed.orderViolations).toEqual([]);

  // `npx yiwang heating-ranking` replays heating's log through its projection: the same rows as the live ranking.
  const day = new Date(clock.now().getTime() + 8 * HOUR).toISOString().slice(0, 10);
  const live = await fetch(`${heating.httpAddress}/v1/rankings/weekly?week=${day}`, {
    headers: { authorization: `Bearer ${await signToken(office, { secret: SECRET })}` },
  });
  const liveRanking = (await live.json()) as { week: string; rows: unknown[] };
  const replayed = await cli(['heating-ranking', '--week-of', day, '--format', 'json']);
  expect(replayed.stderr).toBe('');
  expect(JSON.parse(replayed.stdout)).toMatchObject({ week: liveRanking.week, rows: liveRanking.rows });
  expect(liveRanking.rows).toContainEqual(
    expect.objectContaining({ companyId: 'dept.heating.zhongzhou', complaints: 1, refundsDueCents: 2160 }),
  );
  for (const c of [centre, sup, firm]) c.close();
}, 420_000);
