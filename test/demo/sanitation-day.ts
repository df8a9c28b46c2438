// Plays a sanitation month through the public gRPC API only (no database access): the seed city's
// register imported in CSV files of 40 rows (118 main roads by cleaning grade, 228 public toilets,
// 78 transfer stations, positions generated inside the districts; three broken rows rejected), the
// contractors' vehicles and crew terminals registered, sweeping runs and patrol shifts reported in
// daily gateway batches (one resent, one from an unknown vehicle) and each day closed against the
// grades, 以克论净 over the month — 240 road inspections, 720 samples of which 691 pass (95.97 %) —
// toilet and station inspections, rectifications done or left open, one correction with a reason,
// and the district and contractor rankings of the three assessments (三项考核).
//
// Which month: the service's clock decides when an inspection is recorded, and a month's results
// close 5 days after it ends. On the 1st–5th the demo plays the whole previous month (still open);
// later in a month, the current month's ended days. Every road-day is a stream of its own (its work,
// then its close): 118 roads × 30 days are ~7,000 appends, minutes on a loaded FerretDB, so the
// roads' work is reported and closed for the month's first DEMO_SANITATION_WORK_DAYS days (default
// 3; `all` for every day) while the inspections cover every day. Progress goes to stderr.
import { callUnary, createGrpcClient } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { SanitationServiceClient, type GetRankingResponse, type RankingRow } from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { pool, until } from './demo-clients';

export interface SanitationDayOptions {
  readonly grpcAddress: string;
  readonly httpBase?: string;
  readonly token: (sub: string, dept: string, roles: string[]) => string;
  readonly log: (line: string) => void;
}

const DISTRICTS = [
  { code: '410802', name: '解放区', bbox: [113.2, 35.23, 113.2131919, 35.2353899] },
  { code: '410803', name: '中站区', bbox: [113.15, 35.232, 113.1631919, 35.2373899] },
  { code: '410804', name: '马村区', bbox: [113.31, 35.25, 113.3231919, 35.2553899] },
  { code: '410811', name: '山阳区', bbox: [113.25, 35.225, 113.2631919, 35.2303899] },
  { code: '410871', name: '示范区', bbox: [113.23, 35.17, 113.2431919, 35.1753899] },
] as const;
/** Road cleaning per district; toilets and stations by two city-wide companies. */
const ROAD_CONTRACTORS = [
  'contractor.huanjie',
  'contractor.zhongzhan',
  'contractor.macun',
  'contractor.qingyuan',
  'contractor.shifan',
] as const;
const TOILET_CONTRACTORS = ['contractor.jiebian', 'contractor.lvcheng'] as const;
const GRADES = { '1': { sweeps: 3, hours: 16 }, '2': { sweeps: 2, hours: 14 }, '3': { sweeps: 2, hours: 12 } } as const;
const ROAD_NAMES = ['人民路', '解放路', '建设路', '塔南路', '民主路', '丰收路', '山阳路', '焦东路', '新华街', '太行路', '中原路', '世纪路'];

type Client = SanitationServiceClient;
type Facility = {
  id: string;
  kind: 'road' | 'toilet' | 'transfer_station';
  name: string;
  district: string;
  contractor: string;
  grade?: keyof typeof GRADES;
};

function call<Res>(c: Client, method: keyof Client, request: object): Promise<Res> {
  const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
  const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}

/** A deterministic pseudo-random sequence, so every run plays the same month. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const shanghai = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString();

function playedMonth(nowMs: number): { month: string; days: string[] } {
  const today = shanghai(nowMs);
  const [y, m, d] = [Number(today.slice(0, 4)), Number(today.slice(5, 7)), Number(today.slice(8, 10))];
  const [py, pm] = d <= 5 ? (m === 1 ? [y - 1, 12] : [y, m - 1]) : [y, m];
  const month = `${py}-${pad(pm, 2)}`;
  const length = d <= 5 ? new Date(Date.UTC(py, pm, 0)).getUTCDate() : d - 1;
  return { month, days: Array.from({ length }, (_, x) => `${month}-${pad(x + 1, 2)}`) };
}

const progress = (line: string) => process.stderr.write(`  sanitation: ${line}\n`);

function register(): { facilities: Facility[]; csv: string } {
  const rnd = random(15);
  const rows: string[] = [
    'facilityId,kind,name,district,contractor,geometry,cells,lengthM,areaM2,grade,toiletClass,siting,opensAt,closesAt,capacityTonnesPerDay',
  ];
  const facilities: Facility[] = [];
  const at = (d: (typeof DISTRICTS)[number]) =>
    [d.bbox[0] + rnd() * (d.bbox[2] - d.bbox[0]), d.bbox[1] + rnd() * (d.bbox[3] - d.bbox[1])].map((x) => x.toFixed(6));
  for (let i = 0; i < 118; i++) {
    const di = i % 5;
    const d = DISTRICTS[di]!;
    const grade = (i % 4 === 0 ? '1' : i % 4 === 3 ? '3' : '2') as keyof typeof GRADES;
    const [x, y] = at(d);
    const length = 600 + Math.round(rnd() * 2400);
    const f: Facility = {
      id: `${d.code}0399${pad(i + 1, 6)}`,
      kind: 'road',
      name: `${ROAD_NAMES[i % ROAD_NAMES.length]}${Math.floor(i / ROAD_NAMES.length) + 1}段`,
      district: d.name,
      contractor: ROAD_CONTRACTORS[di]!,
      grade,
    };
    facilities.push(f);
    rows.push(
      `${f.id},road,${f.name},${d.name},${f.contractor},${x} ${y}; ${(Number(x) + 0.004).toFixed(6)} ${y},${d.code}001001001,${length},${length * 30},${grade},,,,,`,
    );
  }
  for (let i = 0; i < 228; i++) {
    const d = DISTRICTS[i % 5]!;
    const [x, y] = at(d);
    const f: Facility = {
      id: `${d.code}0301${pad(i + 1, 6)}`,
      kind: 'toilet',
      name: `${d.name}第${i + 1}公厕`,
      district: d.name,
      contractor: TOILET_CONTRACTORS[i % 2]!,
    };
    facilities.push(f);
    rows.push(
      `${f.id},toilet,${f.name},${d.name},${f.contractor},${x} ${y},,,,,${1 + (i % 3)},${i % 4 === 0 ? 'attached' : 'standalone'},06:00,22:00,`,
    );
  }
  for (let i = 0; i < 78; i++) {
    const d = DISTRICTS[i % 5]!;
    const [x, y] = at(d);
    const f: Facility = {
      id: `${d.code}0302${pad(i + 1, 6)}`,
      kind: 'transfer_station',
      name: `${d.name}中转站${i + 1}`,
      district: d.name,
      contractor: TOILET_CONTRACTORS[i % 2]!,
    };
    facilities.push(f);
    rows.push(`${f.id},transfer_station,${f.name},${d.name},${f.contractor},${x} ${y},,,,,,,,,${50 + (i % 4) * 50}`);
  }
  // What a district's spreadsheet gets wrong: a short id, an unknown grade, a toilet drawn as a line.
  rows.push('41080203990001,road,编码缺位,解放区,contractor.huanjie,113.2 35.23; 113.21 35.23,,800,24000,1,,,,,');
  rows.push('4108020399000999,road,等级错误,解放区,contractor.huanjie,113.2 35.23; 113.21 35.23,,800,24000,5,,,,,');
  rows.push('4108020301000999,toilet,画成线的公厕,解放区,contractor.jiebian,113.2 35.23; 113.21 35.23,,,,,1,attached,06:00,22:00,');
  return { facilities, csv: rows.join('\n') };
}

const formatRow = (r: RankingRow) =>
  `  ${String(r.rank).padStart(2)}. ${r.name.padEnd(22)} ${r.score.toFixed(2).padStart(6)}  (${r.facilities} 处${r.failedSamples ? `, 不合格样点 ${r.failedSamples}` : ''}${r.scoreChange !== undefined ? `, 较上月 ${r.scoreChange >= 0 ? '+' : ''}${r.scoreChange.toFixed(2)}` : ''})`;

export async function playSanitationDay(opts: SanitationDayOptions): Promise<string[]> {
  const { log } = opts;
  const as = (sub: string, dept: string, roles: string[]) =>
    createGrpcClient(SanitationServiceClient, opts.grpcAddress, { token: opts.token(sub, dept, roles), defaultDeadlineMs: 600_000 });
  const admin = as('li.hua', 'dept.sanitation.city', ['sanitation.admin']);
  const inspector = as('sun.hao', 'centre.supervision', ['inspector']);
  const closer = as('day-closer', 'system.sanitation', ['system']);
  const { month, days } = playedMonth(Date.now());
  const rnd = random(720);
  const begun = Date.now();
  const lines: string[] = [];

  const { facilities, csv } = register();
  // Uploaded as the districts send them: files of up to 40 rows, each with the header.
  const [header, ...body] = csv.split('\n');
  const files = Array.from({ length: Math.ceil(body.length / 40) }, (_, k) => [header, ...body.slice(k * 40, k * 40 + 40)].join('\n'));
  const imported = { registered: 0, unchanged: 0, rejected: [] as api.RejectedRow[] };
  await pool(files, 2, async (content) => {
    const r = await call<api.ImportFacilitiesResponse>(admin, 'importFacilities', { format: 'csv', content });
    imported.registered += r.registered;
    imported.unchanged += r.unchanged;
    imported.rejected.push(...r.rejected);
  });
  log(
    `环卫 register: ${files.length} files, ${imported.registered} registered, ${imported.unchanged} unchanged, ${imported.rejected.length} rows rejected (${imported.rejected.map((r) => `${r.facilityId}: ${r.errors[0]}`).join('; ')})`,
  );
  const roads = facilities.filter((f) => f.kind === 'road');
  // The register is a read model behind the log: work and inspections name facilities it must hold.
  let missing = facilities;
  await until(
    async () => {
      const found = new Set<string>();
      await pool(missing, 8, async (f) => {
        const r = await call<api.GetFacilityResponse>(admin, 'getFacility', { facilityId: f.id }).catch(() => null);
        if (r?.status === 'active') found.add(f.id);
      });
      missing = missing.filter((f) => !found.has(f.id));
      return missing.length === 0 || null;
    },
    300_000,
    'the imported register in the service',
  );
  progress(`register imported and projected (${Math.round((Date.now() - begun) / 1000)} s)`);

  const devices = ROAD_CONTRACTORS.flatMap((c) => [
    ...[1, 2, 3].map((n) => ({ id: `${c.split('.')[1]}-SW-${n}`, kind: 'sweeper', c })),
    { id: `${c.split('.')[1]}-T-1`, kind: 'crew_terminal', c },
  ]);
  await pool(devices, 4, async (d) => {
    await call(admin, 'registerDevice', { deviceId: d.id, kind: d.kind, contractor: d.c });
  });

  // A vehicle the register does not know: the batch is refused, nothing stored.
  const intruder = as('gateway.contractor.huanjie', 'contractor.huanjie', ['sanitation.crew']);
  const refused = await call(intruder, 'recordWork', {
    records: [
      {
        facilityId: roads[0]!.id,
        deviceId: 'UNKNOWN-9',
        kind: 'sweep',
        startedAt: `${days[0]}T03:00:00+08:00`,
        endedAt: `${days[0]}T03:30:00+08:00`,
      },
    ],
  }).then(
    () => 'accepted?!',
    (e: Error) => e.message,
  );
  intruder.close();

  // Work: each road's sweeps and one patrol shift per day in one gateway batch per contractor and
  // day, sent as the gateways do, side by side; some road-days fall short. Each day is closed as
  // soon as its batches are in.
  const wanted = process.env.DEMO_SANITATION_WORK_DAYS ?? '3';
  const workDays = days.slice(0, wanted === 'all' ? days.length : Math.max(1, Number(wanted) || 3));
  const gateways = new Map(ROAD_CONTRACTORS.map((c) => [c, as(`gateway.${c}`, c, ['sanitation.crew'])]));
  let records = 0;
  let duplicates = 0;
  let missingRuns = 0;
  const started = Date.now();
  for (const [di, day] of workDays.entries()) {
    await pool([...ROAD_CONTRACTORS.entries()], 5, async ([ci, contractor]) => {
      const gateway = gateways.get(contractor)!;
      const batch: object[] = [];
      roads
        .filter((r) => r.contractor === contractor)
        .forEach((road, ri) => {
          const std = GRADES[road.grade!];
          const short = (ri + di + ci) % 9 === 0;
          const sweeps = short ? std.sweeps - 1 : std.sweeps;
          for (let s = 0; s < sweeps; s++) {
            const start = Date.parse(`${day}T0${4 + s * 2}:00:00+08:00`) + ri * 60_000;
            batch.push({
              facilityId: road.id,
              deviceId: devices[ci * 4 + s]!.id,
              kind: 'sweep',
              startedAt: new Date(start).toISOString(),
              endedAt: new Date(start + 40 * 60_000).toISOString(),
              distanceM: 2400,
            });
          }
          const hours = std.hours - ((ri + di) % 13 === 0 ? 2 : 0);
          const from = Date.parse(`${day}T05:00:00+08:00`) + ri * 1000;
          batch.push({
            facilityId: road.id,
            deviceId: devices[ci * 4 + 3]!.id,
            kind: 'manual_shift',
            startedAt: new Date(from).toISOString(),
            endedAt: new Date(from + hours * 3_600_000).toISOString(),
          });
        });
      const r = await call<api.RecordWorkResponse>(gateway, 'recordWork', { records: batch });
      records += r.accepted;
      if (di === 0 && ci === 0)
        duplicates += (await call<api.RecordWorkResponse>(gateway, 'recordWork', { records: batch.slice(0, 10) })).duplicates; // a gateway resends
    });
    missingRuns += (await call<api.CloseDayResponse>(closer, 'closeDay', { day })).missingRuns;
    progress(
      `work of ${day} stored and closed (${di + 1}/${workDays.length} days, ${records} records, ${Math.round((Date.now() - started) / 1000)} s)`,
    );
  }
  for (const g of gateways.values()) g.close();
  log(`work: ${records} records stored, ${duplicates} resent duplicates skipped; unknown vehicle → ${refused}`);
  log(`days ${workDays[0]} … ${workDays[workDays.length - 1]} closed against the grades: ${missingRuns} missing sweeping runs`);

  // 以克论净: 240 road inspections × 3 samples; exactly 29 samples over the 10 g/m² limit.
  const failing = new Set(Array.from({ length: 29 }, (_, k) => 3 + k * 8));
  const inspections = Array.from({ length: 240 }, (_, i) => i);
  const failed: Array<{ id: string; contractor: string }> = [];
  await pool(inspections, 4, async (i) => {
    const road = roads[i % roads.length]!;
    const samples = [0, 1, 2].map((p) => ({
      point: `P${p + 1}`,
      grams:
        p === 1 && failing.has(i)
          ? 10.1 + Math.round(rnd() * 60) / 10
          : i % 17 === 0 && p === 0
            ? 10.0
            : Math.round((2 + rnd() * 7.5) * 10) / 10,
    }));
    const id = `GRAM-${month}-${pad(i + 1, 3)}`;
    const r = await call<api.CommandResponse>(inspector, 'recordInspection', {
      inspectionId: id,
      facilityId: road.id,
      inspectedAt: `${days[i % days.length]}T10:${pad(i % 60, 2)}:00+08:00`,
      input: { samples },
    });
    if (r.eventTypes.includes('sanitation.inspection.rectification_opened.v1')) failed.push({ id, contractor: road.contractor });
  });
  // Toilets (odour by class, flies by siting) and stations.
  const toilets = facilities.filter((f) => f.kind === 'toilet').slice(0, 60);
  await pool(toilets, 4, async (t, i) => {
    const id = `WC-${month}-${pad(i + 1, 3)}`;
    const r = await call<api.CommandResponse>(inspector, 'recordInspection', {
      inspectionId: id,
      facilityId: t.id,
      inspectedAt: `${days[i % days.length]}T15:00:00+08:00`,
      input: {
        toilet: { odourLevel: i % 7 === 0 ? 3 : 1, fliesPerM2: i % 11 === 0 ? 4 : 0.5, suppliesOk: i % 13 !== 0, openingHoursKept: true },
      },
    });
    if (r.eventTypes.includes('sanitation.inspection.rectification_opened.v1')) failed.push({ id, contractor: t.contractor });
  });
  const stations = facilities.filter((f) => f.kind === 'transfer_station').slice(0, 20);
  await pool(stations, 4, async (s, i) => {
    const id = `ST-${month}-${pad(i + 1, 3)}`;
    const r = await call<api.CommandResponse>(inspector, 'recordInspection', {
      inspectionId: id,
      facilityId: s.id,
      inspectedAt: `${days[i % days.length]}T16:00:00+08:00`,
      input: { failedItems: i % 6 === 0 ? ['leachate'] : [] },
    });
    if (r.eventTypes.includes('sanitation.inspection.rectification_opened.v1')) failed.push({ id, contractor: s.contractor });
  });
  log(
    `inspections: 240 roads (以克论净), ${toilets.length} toilets, ${stations.length} stations; ${failed.length} failed and went to rectification`,
  );
  progress(`inspections over ${days.length} days recorded (${Math.round((Date.now() - started) / 1000)} s)`);

  // Edge cases: clear errors, nothing stored.
  const edge = async (what: string, p: Promise<unknown>) =>
    log(
      `  ${what} → ${await p.then(
        () => 'accepted?!',
        (e: Error) => e.message,
      )}`,
    );
  await edge(
    'negative grams',
    call(inspector, 'recordInspection', {
      inspectionId: 'GRAM-bad-1',
      facilityId: roads[0]!.id,
      input: { samples: [{ grams: 3 }, { grams: -1 }, { grams: 2 }] },
    }),
  );
  await edge(
    'a sample on an unknown road',
    call(inspector, 'recordInspection', {
      inspectionId: 'GRAM-bad-2',
      facilityId: '4108020399999999',
      input: { samples: [{ grams: 3 }, { grams: 1 }, { grams: 2 }] },
    }),
  );
  await edge(
    'two sample points only',
    call(inspector, 'recordInspection', {
      inspectionId: 'GRAM-bad-3',
      facilityId: roads[0]!.id,
      input: { samples: [{ grams: 3 }, { grams: 1 }] },
    }),
  );

  // Rectifications: two in three done by their contractor; another contractor may not.
  let done = 0;
  await pool(failed, 4, async (f, i) => {
    if (i % 3 === 2) return;
    const c = as(`crew@${f.contractor}`, f.contractor, []);
    await call(c, 'completeRectification', { inspectionId: f.id, note: '已重新清扫 / 已整改' });
    done++;
    c.close();
  });
  const open = failed.find((_, i) => i % 3 === 2);
  if (open) {
    const stranger = as('crew@contractor.shifan', open.contractor === 'contractor.shifan' ? 'contractor.huanjie' : 'contractor.shifan', []);
    await edge(
      `another contractor completes ${open.id}`,
      call(stranger, 'completeRectification', { inspectionId: open.id, note: '不是我们的' }),
    );
    stranger.close();
  }
  const corrected = `GRAM-${month}-004`;
  await call(inspector, 'correctInspection', {
    inspectionId: corrected,
    reason: '样点2称量记录笔误, 复核原始记录',
    input: {
      samples: [
        { point: 'P1', grams: 4.2 },
        { point: 'P2', grams: 11.4 },
        { point: 'P3', grams: 5.1 },
      ],
    },
  });
  log(
    `rectifications: ${done} done, ${failed.length - done} left open (the deadline scan marks them overdue); ${corrected} corrected with a reason`,
  );

  const ranking = (dimension: string) => call<GetRankingResponse>(admin, 'getRanking', { period: month, dimension });
  const byContractor = await until(
    async () => {
      const r = await ranking('contractor');
      return r.samples === 720 && r.rows.length === ROAD_CONTRACTORS.length + TOILET_CONTRACTORS.length ? r : null;
    },
    120_000,
    'the month in the ranking',
  );
  const byDistrict = await ranking('district');
  lines.push(
    `Sanitation ${month} (${days.length} days): ${facilities.length} facilities (118 roads, 228 toilets, 78 stations) imported, ${imported.rejected.length} broken rows listed; ${records} work records on ${workDays.length} days, ${missingRuns} missing runs`,
  );
  lines.push(
    `以克论净 ${month}: ${byContractor.samples} samples, ${byContractor.samplesPassed} passed (${byContractor.passRate?.toFixed(2)} %)`,
  );
  lines.push(`三项考核 by district (${month}):`, ...byDistrict.rows.map(formatRow));
  lines.push(`三项考核 by contractor (${month}):`, ...byContractor.rows.map(formatRow));
  for (const c of [admin, inspector, closer]) c.close();
  for (const l of lines) log(l);
  return lines;
}
