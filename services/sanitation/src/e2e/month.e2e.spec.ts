// A month of sanitation on the real servers, through a test clock: four facilities of two
// contractors, the gateways' daily batches from 26 February to 31 March, the daily close by itself,
// 以克论净, toilet and station inspections with rectifications done, done late and left open — and
// a restart in the middle, while a rectification deadline passes. The month's three-assessment
// ranking must be the one the scenario adds up to, with the change against February, and the same
// as a replay of the log; once March is closed only a correction with a reason changes it.
import { status } from '@grpc/grpc-js';
import { TestClock, type LoggedEvent } from '@yiwang/kernel-core';
import { type Principal } from '@yiwang/platform';
import { type GetRankingResponse, type RecordWorkResponse } from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { startSanitationService, type RunningSanitationService } from '../service';
import { rankingFromLog } from '../application/replay-ranking';
import { shippedAssessmentConfig, type Dimension } from '../domain';
import { call, client, csvOf, grpcError, people, testEnvironment, until } from '../sanitation.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let svc: RunningSanitationService | undefined;
const clock = new TestClock('2025-02-26T08:00:00+08:00');

const ROAD_A = '4108020399000011'; // grade 1, huanjie, 解放区
const ROAD_B = '4108110399000012'; // grade 2, qingyuan, 山阳区
const TOILET = '4108020301000013'; // class 1, attached, huanjie, 解放区
const STATION = '4108020302000014'; // qingyuan, 解放区
const gatewayQingyuan: Principal = { subject: 'gateway.qingyuan', department: 'contractor.qingyuan', roles: ['sanitation.crew'] };

/** A command may wait on a database shared with other suites; the month's assertions are about results, not speed. */
const DEADLINE_MS = 30_000;
const start = () => startSanitationService({ ...env.config, dayCloseIntervalMs: 200, deadlineScanIntervalMs: 300 }, { clock });

beforeAll(async () => {
  env = await testEnvironment(__filename);
  svc = await start();
}, 60_000);
afterAll(async () => {
  await svc?.stop();
  await env?.t.close();
});

const at = (day: string, hm: string) => `${day}T${hm}:00+08:00`;
const days = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};
const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const span = (facilityId: string, deviceId: string, kind: string, from: string, hours: number) => ({
  facilityId,
  deviceId,
  kind,
  startedAt: new Date(Date.parse(from)).toISOString(),
  endedAt: new Date(Date.parse(from) + hours * 3_600_000).toISOString(),
  ...(kind === 'sweep' ? { distanceM: 2400 } : {}),
});
/** Road A (grade 1: 3 sweeps, 16 h) misses a sweep on the 7th, 14th, 21st, 28th; road B (grade 2: 2, 14 h) patrols 2 h short on the 10th, 20th, 30th. */
const workOf = (day: string) => {
  const dom = Number(day.slice(8));
  return {
    a: [
      ...[4, 6, 8].slice(0, dom % 7 === 0 ? 2 : 3).map((h) => span(ROAD_A, 'SW-A', 'sweep', at(day, `0${h}:00`), 0.6)),
      span(ROAD_A, 'T-A', 'manual_shift', at(day, '05:00'), 16),
    ],
    b: [
      span(ROAD_B, 'SW-B', 'sweep', at(day, '04:30'), 0.6),
      span(ROAD_B, 'SW-B', 'sweep', at(day, '06:30'), 0.6),
      span(ROAD_B, 'T-B', 'manual_shift', at(day, '05:00'), dom % 10 === 0 ? 12 : 14),
    ],
  };
};
const grams = (...g: number[]) => ({ samples: g.map((x, i) => ({ point: `P${i + 1}`, grams: x })) });
/** What the inspector records, by day: [id, facility, time, input, what the contractor does about a failure]. */
type Plan = [string, string, string, object, 'done' | 'late' | 'open' | null];
const INSPECTIONS: Record<string, Plan[]> = {
  '2025-02-27': [['M-0227-A', ROAD_A, '10:00', grams(4, 10.1, 5), 'done']],
  '2025-03-05': [
    ['M-0305-A', ROAD_A, '10:00', grams(3, 4, 5), null],
    ['M-0305-B', ROAD_B, '10:00', grams(2, 3, 10.0), null],
  ],
  '2025-03-12': [['M-0312-B', ROAD_B, '10:00', grams(12, 3, 4), 'done']],
  '2025-03-13': [['M-0313-A', ROAD_A, '14:00', grams(11, 12, 4), 'late']],
  '2025-03-20': [
    ['M-0320-T', TOILET, '15:00', { toilet: { odourLevel: 2, fliesPerM2: 0, suppliesOk: true, openingHoursKept: true } }, 'done'],
  ],
  '2025-03-25': [['M-0325-S', STATION, '11:00', { failedItems: ['leachate'] }, 'open']],
  '2025-03-26': [
    ['M-0326-A', ROAD_A, '10:00', grams(1, 2, 3), null],
    ['M-0326-B', ROAD_B, '10:00', grams(2, 2, 2), null],
  ],
};
const RESTART_DAY = '2025-03-13';

const lastClosed = async () =>
  (await env.t.db.collection<{ _id: string; lastClosed: string }>('sanitation_jobs').findOne({ _id: 'day-close' }))?.lastClosed ?? '';
const closedUpTo = (day: string) => until(async () => (await lastClosed()) >= day || null, 30_000, `days closed up to ${day}`);
/** The people of the month, connected once per service start (its port changes with a restart). */
async function clients() {
  const [inspector, huanjie, qingyuan, gatewayA, gatewayB] = await Promise.all(
    [people.inspector, people.huanjie, people.qingyuan, people.gateway, gatewayQingyuan].map((p) =>
      client(svc!.grpcAddress, p, DEADLINE_MS),
    ),
  );
  return { inspector: inspector!, huanjie: huanjie!, qingyuan: qingyuan!, gatewayA: gatewayA!, gatewayB: gatewayB! };
}
const close = (c: Record<string, { close(): void }>) => Object.values(c).forEach((x) => x.close());
const streamTypes = async (id: string) => (await svc!.store.readStream(id)).events.map((e) => e.type);

async function replay(): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = [];
  for (let after = 0; ;) {
    const page = await svc!.store.readAll({ after, limit: 1000 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page.at(-1)!.position;
  }
}
/** The live table (read model) and the one recomputed from a replay of the log, once both count what is expected. */
async function tables(dimension: Dimension, expected: Record<string, number>) {
  const live = await until(
    async () => {
      const r = await svc!.queries.ranking('2025-03', dimension, people.admin);
      return r.rows.every((x) => x.score === expected[x.key]) && r.rows.length === Object.keys(expected).length ? r : null;
    },
    30_000,
    `the ${dimension} table of 2025-03`,
  );
  return { live, replayed: rankingFromLog(await replay(), '2025-03', dimension, shippedAssessmentConfig()) };
}

it('a month of work and inspections, with a restart in the middle, ranks as the scenario adds up and as a replay does', async () => {
  // The job's first step closes the day before the register exists; from then on it goes day by day.
  await closedUpTo('2025-02-25');
  const admin = await client(svc!.grpcAddress, people.admin, DEADLINE_MS);
  const line = '113.20 35.23; 113.21 35.23';
  await call(admin, 'importFacilities', {
    format: 'csv',
    content: csvOf([
      `${ROAD_A},road,人民路,解放区,contractor.huanjie,${line},,1200,36000,1,,,,,`,
      `${ROAD_B},road,建设路,山阳区,contractor.qingyuan,${line},,900,27000,2,,,,,`,
      `${TOILET},toilet,人民公园公厕,解放区,contractor.huanjie,113.2 35.23,,,,,1,attached,06:00,22:00,`,
      `${STATION},transfer_station,解放中转站,解放区,contractor.qingyuan,113.2 35.23,,,,,,,,,100`,
    ]),
  });
  for (const [deviceId, kind, contractor] of [
    ['SW-A', 'sweeper', 'contractor.huanjie'],
    ['T-A', 'crew_terminal', 'contractor.huanjie'],
    ['SW-B', 'sweeper', 'contractor.qingyuan'],
    ['T-B', 'crew_terminal', 'contractor.qingyuan'],
  ])
    await call(admin, 'registerDevice', { deviceId, kind, contractor });
  await until(async () => (await svc!.queries.facilityIds('road')).length === 2 || null, 20_000, 'roads in the register');
  admin.close();

  let c = await clients();
  for (const day of days('2025-02-26', '2025-03-31')) {
    for (const [inspectionId, facilityId, hm, input, then] of INSPECTIONS[day] ?? []) {
      clock.set(at(day, hm));
      const r = await call<{ eventTypes: string[] }>(c.inspector, 'recordInspection', { inspectionId, facilityId, input });
      expect(r.eventTypes.includes('sanitation.inspection.rectification_opened.v1')).toBe(then !== null);
      if (then === 'done') {
        clock.set(at(day, `${hm.slice(0, 2)}:30`));
        await call(facilityId === ROAD_B || facilityId === STATION ? c.qingyuan : c.huanjie, 'completeRectification', {
          inspectionId,
          note: '已整改',
        });
      }
    }

    clock.set(at(day, day === RESTART_DAY ? '15:00' : '22:00'));
    const work = workOf(day);
    // On the first day road A's vehicles and crew send their halves at once: one of the two finds the
    // facility-day moved under it and is decided again, nothing lost or doubled.
    const a = day === '2025-02-26' ? [work.a.slice(0, 2), work.a.slice(2)] : [work.a];
    const sent = await Promise.all([
      ...a.map((records) => call<RecordWorkResponse>(c.gatewayA, 'recordWork', { records })),
      call<RecordWorkResponse>(c.gatewayB, 'recordWork', { records: work.b }),
    ]);
    expect(sent.reduce((n, r) => n + r.accepted, 0)).toBe(work.a.length + work.b.length);

    if (day === RESTART_DAY) {
      // Down while the rectification of M-0313-A passes its deadline and the day ends.
      await closedUpTo('2025-03-12');
      const opened = (await svc!.store.readStream('inspection-M-0313-A')).events.find(
        (e) => e.type === 'sanitation.inspection.rectification_opened.v1',
      );
      const deadline = (opened!.data as { deadline: string }).deadline;
      expect(await streamTypes('inspection-M-0313-A')).not.toContain('sanitation.inspection.rectification_overdue.v1');
      close(c);
      await svc!.stop();
      clock.set('2025-03-14T03:00:00+08:00');
      expect(Date.parse(deadline)).toBeLessThan(clock.now().getTime());
      svc = await start();
      await until(
        async () => (await streamTypes('inspection-M-0313-A')).includes('sanitation.inspection.rectification_overdue.v1') || null,
        30_000,
        'the deadline that passed while down, marked after the restart',
      );
      await closedUpTo(RESTART_DAY);
      c = await clients();
      clock.set('2025-03-14T09:00:00+08:00');
      await call(c.huanjie, 'completeRectification', { inspectionId: 'M-0313-A', note: '已整改(超期)' });
    }
    svc!.dayCloser!.wake();
    // The job catches up at most a week after an outage: it is not let fall that far behind.
    if (day.endsWith('0') || day.endsWith('5')) await closedUpTo(dayBefore(day));
  }
  clock.set('2025-04-01T03:00:00+08:00');
  svc!.dayCloser!.wake();
  await closedUpTo('2025-03-31');
  close(c);
  await until(
    async () => (await streamTypes('inspection-M-0325-S')).includes('sanitation.inspection.rectification_overdue.v1') || null,
    30_000,
    'the station rectification left open, overdue',
  );
  // Nothing twice, restart or not: one close per road and day, one overdue mark per deadline.
  const log = await replay();
  const count = (type: string) => {
    const n = new Map<string, number>();
    for (const e of log) if (e.type === type) n.set(e.streamId, (n.get(e.streamId) ?? 0) + 1);
    return n;
  };
  const closes = count('sanitation.task.day_closed.v1');
  const roadDays = [ROAD_A, ROAD_B].flatMap((r) =>
    days('2025-02-26', '2025-03-31').map((d) => `sanitation-task-${r}-${d.replaceAll('-', '')}`),
  );
  expect(roadDays.map((id) => closes.get(id) ?? 0)).toEqual(roadDays.map(() => 1));
  expect([...count('sanitation.inspection.rectification_overdue.v1')]).toEqual([
    ['inspection-M-0313-A', 1],
    ['inspection-M-0325-S', 1],
  ]);

  // March by the scenario: road A 9 samples (2 failed), 4 missing runs, 1 overdue → 95.1; the toilet's
  // failed inspection → 97.5; road B 9 samples (1 failed), 6 patrol hours short → 97.5; the station's
  // failed inspection, overdue → 98.1. February: road A 1 failed sample and 1 missing run → 98.5, road B 100.
  const contractors = await tables('contractor', { 'contractor.qingyuan': 97.8, 'contractor.huanjie': 96.3 });
  expect(contractors.live.rows.map((r) => [r.key, r.rank, r.score, r.previousScore, r.scoreChange])).toEqual([
    ['contractor.qingyuan', 1, 97.8, 100, -2.2],
    ['contractor.huanjie', 2, 96.3, 98.5, -2.2],
  ]);
  expect(contractors.live.rows.find((r) => r.key === 'contractor.huanjie')!.breakdown.map((l) => [l.counter, l.count])).toEqual(
    expect.arrayContaining([
      ['failedSamples', 2],
      ['missingRuns', 4],
      ['overdueRectifications', 1],
      ['failedToiletInspections', 1],
    ]),
  );
  expect(contractors.live).toMatchObject({ samples: 18, samplesPassed: 15, passRate: 83.33 });
  expect(contractors.replayed.rows).toEqual(contractors.live.rows);
  expect(contractors.replayed).toMatchObject({ samples: 18, samplesPassed: 15, passRate: 83.33 });
  const districts = await tables('district', { 山阳区: 97.5, 解放区: 96.9 });
  expect(districts.live.rows.map((r) => [r.key, r.rank])).toEqual([
    ['山阳区', 1],
    ['解放区', 2],
  ]);
  expect(districts.replayed.rows).toEqual(districts.live.rows);
}, 360_000);

it('once March is closed its results stand: no amendment, no late inspection; a correction with a reason re-ranks it, as a replay does', async () => {
  clock.set('2025-04-06T10:00:00+08:00');
  const inspector = await client(svc!.grpcAddress, people.inspector, DEADLINE_MS);
  const amend = await grpcError(call(inspector, 'amendInspection', { inspectionId: 'M-0312-B', input: grams(2, 3, 4) }));
  expect(amend.code).toBe(status.FAILED_PRECONDITION);
  const late = await grpcError(
    call(inspector, 'recordInspection', {
      inspectionId: 'M-0331-late',
      facilityId: ROAD_B,
      inspectedAt: '2025-03-31T10:00:00+08:00',
      input: grams(1, 1, 1),
    }),
  );
  expect(late.code).toBe(status.FAILED_PRECONDITION);
  expect(await streamTypes('inspection-M-0331-late')).toEqual([]);
  expect(
    (await grpcError(call(inspector, 'correctInspection', { inspectionId: 'M-0312-B', reason: '', input: grams(2, 3, 4) }))).code,
  ).toBe(status.INVALID_ARGUMENT);
  await call(inspector, 'correctInspection', {
    inspectionId: 'M-0312-B',
    reason: '样点1称量笔误, 复核原始记录为 2.0 g',
    input: grams(2, 3, 4),
  });
  inspector.close();

  // Road B without its failed sample: 98.5; qingyuan (98.5 + 98.1) / 2.
  const contractors = await tables('contractor', { 'contractor.qingyuan': 98.3, 'contractor.huanjie': 96.3 });
  expect(contractors.live).toMatchObject({ samples: 18, samplesPassed: 16 });
  expect(contractors.replayed.rows).toEqual(contractors.live.rows);
  const admin = await client(svc!.grpcAddress, people.admin, DEADLINE_MS);
  const served = await call<GetRankingResponse>(admin, 'getRanking', { period: '2025-03', dimension: 'district' });
  expect(served.rows.map((r) => [r.key, r.rank, r.score])).toEqual([
    ['山阳区', 1, 98.5],
    ['解放区', 2, 96.9],
  ]);
  admin.close();
});
