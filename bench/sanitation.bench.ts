// Sanitation (issue 15), the whole service in this process against the real servers, each step as a
// client sends it over gRPC, against the raw driver on the same data in the same process:
// - the register import (the seed city's 424 rows in one file) vs. one raw insertOne per row;
// - work-record ingestion (a month's first days of sweeping runs and patrol shifts in gateway
//   batches) vs. raw insertMany of the same records in the same batches;
// - the month's three-assessment ranking recomputed from a replay of the ordered log vs. a raw
//   cursor over the log's segments.
// Database round trips are counted on every MongoClient of the process (service and background
// work: projectors, relay, sequencer), per row / record / event.
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { SanitationServiceClient } from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { loadSanitationConfig, rankingFromLog, shippedAssessmentConfig, startSanitationService } from '@yiwang/sanitation';
import { type MongoEventStore } from '@yiwang/kernel-mongodb';
import type { Servers } from '../infra/local/servers.mjs';

const SECRET = 'bench-sanitation-secret-at-least-32-chars';
const HEADER =
  'facilityId,kind,name,district,contractor,geometry,cells,lengthM,areaM2,grade,toiletClass,siting,opensAt,closesAt,capacityTonnesPerDay';
const DISTRICTS = ['410802', '410803', '410804', '410811', '410871'];

let commands = 0;
const connect = MongoClient.prototype.connect;
MongoClient.prototype.connect = function (this: MongoClient) {
  (this as unknown as { monitorCommands: boolean }).monitorCommands = true;
  this.on('commandStarted', (_e: CommandStartedEvent) => commands++);
  return connect.call(this) as Promise<MongoClient>;
} as typeof connect;

type Run = { name: string; items: number; seconds: number; ops?: number };
const rate = (r: Run) => r.items / r.seconds;
async function measure(name: string, items: number, fn: () => Promise<void>): Promise<Run> {
  console.error(`sanitation bench: ${name} …`);
  const before = commands;
  const t0 = process.hrtime.bigint();
  await fn();
  const run = { name, items, seconds: Number(process.hrtime.bigint() - t0) / 1e9, ops: commands - before };
  console.error(`  ${items} in ${run.seconds.toFixed(1)} s, ${run.ops} DB round trips`);
  return run;
}
const table = (title: string, unit: string, baseline: Run, subjects: Run[]) =>
  [
    `### ${title}`,
    `| run | ${unit} | ${unit}/s | ratio to baseline | DB round trips per ${unit.replace(/s$/, '')} |`,
    '|---|---|---|---|---|',
    ...[baseline, ...subjects].map(
      (r, i) =>
        `| ${r.name}${i === 0 ? ' (baseline)' : ''} | ${r.items} | ${rate(r).toFixed(0)} | ${(rate(r) / rate(baseline)).toFixed(2)}× | ${((r.ops ?? 0) / r.items).toFixed(2)} |`,
    ),
    '',
  ].join('\n');

function seedRows(): { rows: string[]; roads: Array<{ id: string; contractor: string; grade: string }> } {
  const rows: string[] = [];
  const roads: Array<{ id: string; contractor: string; grade: string }> = [];
  const pt = (i: number) => `${(113.2 + (i % 50) * 0.0002).toFixed(6)} ${(35.23 + Math.floor(i / 50) * 0.0002).toFixed(6)}`;
  for (let i = 0; i < 118; i++) {
    const d = DISTRICTS[i % 5]!;
    const grade = i % 4 === 0 ? '1' : i % 4 === 3 ? '3' : '2';
    const id = `${d}0399${String(i + 1).padStart(6, '0')}`;
    roads.push({ id, contractor: `contractor.road${i % 5}`, grade });
    rows.push(`${id},road,路${i + 1},区${i % 5},contractor.road${i % 5},${pt(i)}; ${pt(i + 1)},,1000,30000,${grade},,,,,`);
  }
  for (let i = 0; i < 228; i++) {
    const d = DISTRICTS[i % 5]!;
    rows.push(
      `${d}0301${String(i + 1).padStart(6, '0')},toilet,公厕${i + 1},区${i % 5},contractor.wc${i % 2},${pt(i)},,,,,${1 + (i % 3)},standalone,06:00,22:00,`,
    );
  }
  for (let i = 0; i < 78; i++) {
    const d = DISTRICTS[i % 5]!;
    rows.push(
      `${d}0302${String(i + 1).padStart(6, '0')},transfer_station,中转站${i + 1},区${i % 5},contractor.wc${i % 2},${pt(i)},,,,,,,,,100`,
    );
  }
  return { rows, roads };
}

export async function benchSanitation(servers: Servers, scale: number): Promise<string> {
  const stamp = Date.now();
  const dbName = `bench_sanitation_${stamp}`;
  const svc = await startSanitationService(
    loadSanitationConfig({
      BIND_HOST: '127.0.0.1',
      SANITATION_GRPC_PORT: '0',
      SANITATION_HTTP_PORT: '0',
      MONGODB_URI: servers.mongoUri,
      SANITATION_DB: dbName,
      KAFKA_BROKERS: servers.kafkaBrokers,
      SANITATION_TOPIC: `bench.sanitation.${stamp}`,
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
    }),
  );
  const raw = await MongoClient.connect(servers.mongoUri);
  const rawDb = raw.db(`${dbName}_raw`);
  const as = async (p: Principal) =>
    createGrpcClient(SanitationServiceClient, svc.grpcAddress, {
      token: await signToken(p, { secret: SECRET }),
      defaultDeadlineMs: 600_000,
    });
  const call = <Res>(c: SanitationServiceClient, method: keyof SanitationServiceClient, request: object): Promise<Res> => {
    const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
    const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
    const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
    return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
  };
  const admin = await as({ subject: 'bench', department: 'dept.sanitation.city', roles: ['sanitation.admin'] });
  const inspector = await as({ subject: 'bench.inspector', department: 'centre.supervision', roles: ['inspector'] });
  const closer = await as({ subject: 'bench.closer', department: 'system.sanitation', roles: ['system'] });
  const out = ['## Sanitation (issue 15) — `npm run bench -- --only sanitation`', ''];
  try {
    // --- the register import ---
    const { rows, roads } = seedRows();
    const rawImport = await measure('raw insertOne per row', rows.length, async () => {
      for (const [i, row] of rows.entries()) await rawDb.collection('facilities').insertOne({ _id: `f-${i}` as never, row });
    });
    let summary: api.ImportFacilitiesResponse | undefined;
    const imported = await measure('ImportFacilities, one file (gRPC)', rows.length, async () => {
      summary = await call<api.ImportFacilitiesResponse>(admin, 'importFacilities', {
        format: 'csv',
        content: [HEADER, ...rows].join('\n'),
      });
    });
    if (summary?.registered !== rows.length) throw new Error(`import registered ${summary?.registered} of ${rows.length}`);
    const again = await measure('the same file again (all unchanged)', rows.length, async () => {
      summary = await call<api.ImportFacilitiesResponse>(admin, 'importFacilities', {
        format: 'csv',
        content: [HEADER, ...rows].join('\n'),
      });
    });
    if (summary?.unchanged !== rows.length) throw new Error(`re-import: ${summary?.unchanged} unchanged of ${rows.length}`);
    out.push(table(`register import, ${rows.length} rows (118 roads, 228 toilets, 78 stations)`, 'rows', rawImport, [imported, again]));

    // --- work records ---
    for (let c = 0; c < 5; c++)
      for (let n = 1; n <= 4; n++)
        await call(admin, 'registerDevice', {
          deviceId: `R${c}-${n}`,
          kind: n === 4 ? 'crew_terminal' : 'sweeper',
          contractor: `contractor.road${c}`,
        });
    for (let tries = 0; ; tries++) {
      const last = await call<{ status: string }>(admin, 'getFacility', { facilityId: roads.at(-1)!.id }).catch(() => null);
      if (last?.status === 'active') break;
      if (tries > 300) throw new Error('register not projected');
      await new Promise((r) => setTimeout(r, 100));
    }
    const month = '2026-11';
    const days = Array.from({ length: 3 * scale }, (_, d) => `${month}-${String(d + 1).padStart(2, '0')}`);
    const batches: Array<{ contractor: string; records: object[] }> = [];
    for (const day of days)
      for (let c = 0; c < 5; c++) {
        const records: object[] = [];
        roads
          .filter((r) => r.contractor === `contractor.road${c}`)
          .forEach((road, ri) => {
            const sweeps = road.grade === '1' ? 3 : 2;
            for (let s = 0; s < sweeps - (ri % 7 === 0 ? 1 : 0); s++) {
              const start = Date.parse(`${day}T0${4 + s * 2}:00:00+08:00`) + ri * 60_000;
              records.push({
                facilityId: road.id,
                deviceId: `R${c}-${s + 1}`,
                kind: 'sweep',
                startedAt: new Date(start).toISOString(),
                endedAt: new Date(start + 40 * 60_000).toISOString(),
                distanceM: 2400,
              });
            }
            const from = Date.parse(`${day}T05:00:00+08:00`) + ri * 1000;
            records.push({
              facilityId: road.id,
              deviceId: `R${c}-4`,
              kind: 'manual_shift',
              startedAt: new Date(from).toISOString(),
              endedAt: new Date(from + 14 * 3_600_000).toISOString(),
            });
          });
        batches.push({ contractor: `contractor.road${c}`, records });
      }
    const total = batches.reduce((a, b) => a + b.records.length, 0);
    const rawWork = await measure('raw insertMany per gateway batch', total, async () => {
      for (const [i, b] of batches.entries())
        await rawDb.collection('work').insertMany(b.records.map((r, k) => ({ _id: `w-${i}-${k}` as never, ...r })));
    });
    const gateways = new Map<string, SanitationServiceClient>();
    for (let c = 0; c < 5; c++)
      gateways.set(`contractor.road${c}`, await as({ subject: `gw${c}`, department: `contractor.road${c}`, roles: ['sanitation.crew'] }));
    let accepted = 0;
    const work = await measure('RecordWork per gateway batch (gRPC)', total, async () => {
      for (const b of batches)
        accepted += (await call<api.RecordWorkResponse>(gateways.get(b.contractor)!, 'recordWork', { records: b.records })).accepted;
    });
    if (accepted !== total) throw new Error(`work: ${accepted} of ${total} accepted`);
    const resent = await measure('the same batches resent (all duplicates)', total, async () => {
      for (const b of batches) await call(gateways.get(b.contractor)!, 'recordWork', { records: b.records });
    });
    out.push(
      table(
        `work-record ingestion, ${total} records in ${batches.length} batches (${days.length} days × 5 contractors)`,
        'records',
        rawWork,
        [work, resent],
      ),
    );
    for (const g of gateways.values()) g.close();

    // --- a month: days closed, 以克论净 inspections, then the ranking from a replay ---
    for (const day of days) await call(closer, 'closeDay', { day });
    const n = 120 * scale;
    for (let i = 0; i < n; i++) {
      const road = roads[i % roads.length]!;
      await call(inspector, 'recordInspection', {
        inspectionId: `B-${i}`,
        facilityId: road.id,
        inspectedAt: `${days[i % days.length]}T10:00:00+08:00`,
        input: { samples: [3, i % 8 === 3 ? 10.6 : 9.5, 4].map((g, p) => ({ point: `P${p + 1}`, grams: g })) },
      });
    }
    // The service's sequencer places the last commands in the log: wait until the head stands still.
    const store: MongoEventStore = svc.store;
    let head = -1;
    for (let h = await store.headPosition(); h !== head; h = await store.headPosition()) {
      head = h;
      await new Promise((r) => setTimeout(r, 1500));
    }
    const rawScan = await measure('raw cursor over es_log', head, async () => {
      let count = 0;
      for await (const seg of raw.db(dbName).collection('es_log').find({}, { batchSize: 1000 }))
        count += (seg['events'] as unknown[]).length;
      if (count !== head) throw new Error(`raw read ${count} of ${head}`);
    });
    let rows2 = 0;
    const replay = await measure('readAll pages of 1000 + rankingFromLog (contractor)', head, async () => {
      const events = [];
      for (let after = 0; ;) {
        const page = await store.readAll({ after, limit: 1000 });
        if (page.length === 0) break;
        events.push(...page);
        after = page.at(-1)!.position;
      }
      rows2 = rankingFromLog(events, month, 'contractor', shippedAssessmentConfig()).rows.length;
    });
    if (rows2 !== 5) throw new Error(`ranking from the replay has ${rows2} rows, expected the 5 road contractors`);
    out.push(table(`the month's ranking from a replay of the log, ${head} events`, 'events', rawScan, [replay]));
  } finally {
    for (const c of [admin, inspector, closer]) c.close();
    await svc.stop();
    await raw
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await rawDb.dropDatabase().catch(() => undefined);
    await raw.close();
  }
  return out.join('\n');
}
