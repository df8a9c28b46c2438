// `npm run chaos`: a bounded fault run on loopback. Every service runs as a child process under the
// local supervisor of `npm start` (a killed one is relaunched by it) on its own ports, databases and
// topics (bench/chaos-fleet.ts), against a Kafka broker and a FerretDB of this run (own ports and
// state folder, never the shared ones). Load the whole time: open-loop Open311 reports into intake
// (filed at once, so dispatch opens a case for each) and camera batches into parking over gRPC.
// Faults at fixed points: kill -9 intake, dispatch, integration, enforcement, parking, heating,
// sanitation in turn, then the broker (restarted on its data), then the database server (restarted
// on its data). At the end the equality check: every accepted report is in intake's store, has its
// case at dispatch, and Kafka holds one received report and one dispatched case for it (one event id;
// a relay may publish an event again with the same id, which consumers drop); every recorded
// violation once on parking's topic; intake's and dispatch's read models equal a rebuild from their
// logs (`yiwang rebuild`). Prints the recovery times and, with CHAOS_WRITE_DOC=1, writes
// docs/reliability.md.
//   CHAOS_RATE (reports/s, default 1)   CHAOS_GAP (s between faults, default 30)   CHAOS_KEEP_STATE=1 (keep the databases)
//   CHAOS_FROM_SOURCE=1 (tsx; otherwise dist/, so `npm run build` first — a stale dist/ runs old code)
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { caseIdForReport } from '@yiwang/dispatch';
import { cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { callUnary, createGrpcClient, signToken } from '@yiwang/platform';
import {
  ParkingServiceClient,
  type RecordCameraSightingsRequest,
  type RecordCameraSightingsResponse,
} from '@yiwang/proto/yiwang/parking/v1/parking_service';
import type { Supervisor } from '../infra/local/supervisor.mjs';
import { answers, loadCategories, loopFacts, lowPort, planFleet, tallyUntil, untilEach, within, type FleetService } from './chaos-fleet';
import { percentile } from './open-loop';

const ROOT = join(__dirname, '..');
// 1 report/s by default: the shared 2-core machine is often loaded well beyond its cores; 4/s on a quiet one.
const RATE = Number(process.env['CHAOS_RATE'] ?? 1);
const GAP = Number(process.env['CHAOS_GAP'] ?? 30);
const API_KEY = 'chaos-inspector';
const stamp = `${Date.now()}`;
const state = join(ROOT, '.yiwang', `chaos-${stamp}`);
const logDir = join(state, 'logs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const since = (t0: number) => ((Date.now() - t0) / 1000).toFixed(1);
const secs = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? 'never' : `${(ms / 1000).toFixed(1)} s`);

const KILLED: readonly FleetService[] = ['intake', 'dispatch', 'integration', 'enforcement', 'parking', 'heating', 'sanitation'];

interface Fault {
  readonly what: string;
  readonly at: number; // ms since epoch
  /** ms from the fault until the component answered again (readyz; the broker: `infra up` returned). */
  recoveredMs?: number;
  /** ms from the fault until a command accepted after it had its effect (see `flowAfter`). */
  flowingMs?: number;
  refused: number;
  slowestMs: number;
}

interface Call {
  readonly at: number;
  readonly ms: number;
  readonly ids?: readonly string[];
  readonly error?: string;
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(logDir, { recursive: true });
  const kafkaPort = await lowPort();
  const mongoPort = await lowPort();
  const infraEnv: NodeJS.ProcessEnv = {
    ...process.env,
    YIWANG_STATE: state,
    YIWANG_KAFKA_PORT: String(kafkaPort),
    YIWANG_KAFKA_CONTROLLER_PORT: String(await lowPort()),
    YIWANG_MONGO_PORT: String(mongoPort),
    YIWANG_KAFKA_HEAP: '384m',
    YIWANG_CONTAINERS: '0',
  };
  delete infraEnv['KAFKA_BROKERS'];
  delete infraEnv['MONGODB_URI'];
  const infra = (cmd: string) =>
    new Promise<string>((ok, bad) =>
      execFile(process.execPath, [join(ROOT, 'infra/bin/infra.mjs'), cmd], { env: infraEnv, encoding: 'utf8' }, (e, out, err) =>
        e ? bad(new Error(`infra ${cmd}: ${err}`)) : ok(`${out}${err}`),
      ),
    );
  const brokers = `127.0.0.1:${kafkaPort}`;
  const mongoUri = `mongodb://127.0.0.1:${mongoPort}/`;
  console.log(`chaos: own Kafka on ${brokers} and FerretDB on ${mongoUri} (state ${state}); ${RATE} reports/s, a fault every ${GAP} s`);
  await infra('up');

  const secret = randomBytes(24).toString('hex');
  const fleet = await planFleet(
    {
      root: ROOT,
      stamp,
      brokers,
      mongoUri,
      secret,
      piiKey: randomBytes(32).toString('base64'),
      logDir,
      ...(process.env['CHAOS_FROM_SOURCE'] === '1' ? { fromSource: true } : {}),
      open311Key: API_KEY,
    },
    KILLED,
  );
  const { supervise } = await import('../infra/local/supervisor.mjs');
  const restarts: string[] = [];
  const sup = new Map<FleetService, Supervisor>();
  for (const name of fleet.services)
    sup.set(
      name,
      supervise({
        name,
        spawn: (): ChildProcess => fleet.spawn(name),
        say: (line) => {
          restarts.push(`${since(started)} s ${line}`);
          console.log(`  ${line}`);
        },
        onGiveUp: (reason) => console.error(`✗ ${reason}`),
      }),
    );
  for (const name of fleet.services)
    if ((await within(() => answers(fleet.readyz[name]), 180_000)) === undefined) throw new Error(`${name} not ready; see ${logDir}`);
  console.log(`${fleet.services.length} services ready after ${since(started)} s (${fleet.fromSource ? 'from source' : 'compiled'})`);

  // The load: distinct (category, cell) pairs so no report is merged as a duplicate of another.
  const categories = loadCategories();
  const cells = [...shippedUnitGrid().cells.values()];
  const faultTimes = [...KILLED, 'broker', 'database'].map((_, i) => 15 + i * GAP);
  const seconds = faultTimes[faultTimes.length - 1]! + GAP;
  if (cells.length * categories.length < RATE * seconds) throw new Error('not enough distinct (category, cell) pairs for this load');
  const token = await signToken({ subject: 'chaos', department: 'centre.command', roles: ['centre.command'] }, { secret });
  const cameraToken = await signToken({ subject: 'chaos-cameras', department: 'system.parking', roles: ['parking.camera'] }, { secret });
  const camera = createGrpcClient(ParkingServiceClient, fleet.grpc.parking, { token: cameraToken, defaultDeadlineMs: 30_000 });
  const caseReadable = async (reportId: string) => {
    try {
      const r = await fetch(`${fleet.http.dispatch}/v1/cases/${caseIdForReport(reportId)}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(3000),
      });
      return r.ok;
    } catch {
      return false;
    }
  };
  const reports: Call[] = [];
  const batches: Call[] = [];
  const report = async (i: number): Promise<void> => {
    const at = Date.now();
    const p = cellCentre(cells[Math.floor(i / categories.length) % cells.length]!);
    const body = new URLSearchParams({
      api_key: API_KEY,
      service_code: categories[i % categories.length]!,
      lat: String(p.lat),
      long: String(p.lon),
      description: `chaos ${stamp} ${i}`,
    }).toString();
    try {
      const res = await fetch(`${fleet.http.intake}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const json = (await res.json().catch(() => null)) as Array<{ service_request_id?: string }> | null;
      const id = Array.isArray(json) ? json[0]?.service_request_id : undefined;
      reports.push(
        res.status === 200 && id ? { at, ms: Date.now() - at, ids: [id] } : { at, ms: Date.now() - at, error: `HTTP ${res.status}` },
      );
    } catch (e) {
      reports.push({ at, ms: Date.now() - at, error: e instanceof Error ? e.name : String(e) });
    }
  };
  // Camera batches (gRPC): two frames of vehicles of their own, so each frame is a new violation.
  const batch = async (i: number): Promise<void> => {
    const at = Date.now();
    try {
      const r = await callUnary<RecordCameraSightingsRequest, RecordCameraSightingsResponse>(camera.recordCameraSightings.bind(camera), {
        batchId: `B-${stamp}-${i}`,
        sightings: [0, 1].map((k) => ({
          cameraId: 'CAM-JF-001',
          plate: `豫H${String((i * 2 + k) % 100_000).padStart(5, '0')}`,
          vehicleType: 'small_car',
          lat: 35.24 + ((i * 2 + k) % 40) * 0.0002,
          lon: 113.2 + (((i * 2 + k) * 13) % 40) * 0.0002,
          road: '',
          kind: 'no_parking_zone',
          observedAt: new Date(Date.now() - 60_000).toISOString(),
          photoRef: `chaos/${i}-${k}.jpg`,
        })),
      });
      batches.push({ at, ms: Date.now() - at, ids: r.violationIds });
    } catch (e) {
      batches.push({ at, ms: Date.now() - at, error: `gRPC ${(e as { code?: number }).code ?? '?'}` });
    }
  };
  const inflight: Promise<void>[] = [];
  const loadStart = Date.now();
  const loadDone = (async () => {
    for (let i = 0; i < RATE * seconds; i++) {
      const due = loadStart + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      inflight.push(report(i));
      if (i % Math.max(1, Math.round(RATE * 2)) === 0) inflight.push(batch(i));
    }
    await Promise.all(inflight);
  })();

  const faults: Fault[] = [];
  // Faults at fixed points of the load, whatever the previous one's recovery: measuring runs beside the next fault.
  const measuring: Promise<void>[] = [];
  const at = (second: number) => sleep(Math.max(0, loadStart + second * 1000 - Date.now()));
  /** Flow restored: a report accepted after the fault has its case at dispatch (parking: a camera batch accepted). */
  const flowAfter = async (f: Fault, name?: FleetService) => {
    const t = await within(async () => {
      if (name === 'parking') return batches.some((b) => b.at > f.at && b.ids);
      const first = reports.find((p) => p.at > f.at && p.ids);
      return first?.ids ? caseReadable(first.ids[0]!) : false;
    }, 240_000);
    f.flowingMs = t === undefined ? NaN : Date.now() - f.at;
  };
  const allReady = () => Promise.all(fleet.services.map((s) => answers(fleet.readyz[s]))).then((r) => r.every(Boolean));

  for (const [i, name] of KILLED.entries()) {
    await at(faultTimes[i]!);
    const pid = sup.get(name)!.child?.pid;
    if (!pid) throw new Error(`${name} is not running`);
    const f: Fault = { what: `kill -9 ${name} (relaunched by the supervisor)`, at: Date.now(), refused: 0, slowestMs: 0 };
    faults.push(f);
    console.log(`${since(started)} s: kill -9 ${name} (pid ${pid})`);
    process.kill(pid, 'SIGKILL');
    measuring.push(
      (async () => {
        await sleep(200); // the killed process's port is closed by then
        f.recoveredMs = (await within(() => answers(fleet.readyz[name]), 240_000)) === undefined ? NaN : Date.now() - f.at;
        console.log(`${since(started)} s: ${name} ready again after ${secs(f.recoveredMs)}`);
        await flowAfter(f, name);
      })(),
    );
  }
  // The broker: kill -9, down for 10 s, then `infra.mjs up` on the same state folder (its data kept).
  await at(faultTimes[KILLED.length]!);
  const brokerPid = Number(readFileSync(join(state, 'kafka', 'kafka.pid'), 'utf8'));
  const bf: Fault = { what: 'kill -9 the Kafka broker, down 10 s, then infra:up on its data', at: Date.now(), refused: 0, slowestMs: 0 };
  faults.push(bf);
  console.log(`${since(started)} s: kill -9 the broker (pid ${brokerPid})`);
  process.kill(brokerPid, 'SIGKILL');
  await sleep(10_000);
  await infra('up');
  bf.recoveredMs = Date.now() - bf.at;
  console.log(`${since(started)} s: broker back after ${secs(bf.recoveredMs)}`);
  measuring.push(flowAfter(bf));
  // The database server: kill -9, down for 10 s, then `infra.mjs up` on its data; "back" once every service is ready again.
  await at(faultTimes[KILLED.length + 1]!);
  const dbPid = Number(readFileSync(join(state, 'ferretdb', 'ferretdb.pid'), 'utf8'));
  const df: Fault = {
    what: 'kill -9 the database server (FerretDB), down 10 s, then infra:up on its data',
    at: Date.now(),
    refused: 0,
    slowestMs: 0,
  };
  faults.push(df);
  console.log(`${since(started)} s: kill -9 the database server (pid ${dbPid})`);
  process.kill(dbPid, 'SIGKILL');
  await sleep(10_000);
  const notReady = await Promise.all(fleet.services.map(async (s) => ((await answers(fleet.readyz[s])) ? null : s)));
  console.log(`  while the database is down: ${notReady.filter(Boolean).length} of ${fleet.services.length} services answer /readyz 503`);
  await infra('up');
  df.recoveredMs = (await within(allReady, 240_000)) === undefined ? NaN : Date.now() - df.at;
  console.log(`${since(started)} s: database back, every service ready after ${secs(df.recoveredMs)}`);
  measuring.push(flowAfter(df));
  await Promise.all(measuring);

  await loadDone;
  camera.close();
  console.log(`${since(started)} s: load done; draining`);
  // Attribute each client error and the slowest answer to the fault before it.
  for (const c of [...reports, ...batches]) {
    const f = [...faults].reverse().find((x) => c.at >= x.at - 1000);
    if (!f) continue;
    if (c.error) f.refused += 1;
    f.slowestMs = Math.max(f.slowestMs, c.ms);
  }
  const accepted = reports.filter((p) => p.ids).map((p) => p.ids![0]!);
  const recorded = batches.flatMap((b) => b.ids ?? []);
  const missing = await untilEach(accepted, caseReadable, 180_000);

  // Intake's store: every accepted report readable through Open311.
  let inStore = 0;
  for (let i = 0; i < accepted.length; i += 100) {
    const ids = accepted.slice(i, i + 100).join(',');
    const r = await fetch(`${fleet.http.intake}/open311/v2/requests.json?service_request_id=${ids}`);
    inStore += ((await r.json()) as unknown[]).length;
  }
  const tally = await tallyUntil(
    brokers,
    [fleet.topics.intake, fleet.topics.dispatch, fleet.topics.parking],
    `chaos.check.${stamp}`,
    (t) => loopFacts(t, [], recorded).violations.missing === 0,
  );
  const { received, dispatched, violations } = loopFacts(tally, accepted, recorded);

  // Read models against a rebuild from the log (the analysts' `yiwang rebuild`, into fresh collections).
  const rebuild = (service: 'intake' | 'dispatch', projection: string) =>
    new Promise<string>((ok) =>
      execFile(
        process.execPath,
        [
          join(ROOT, 'apps/cli/bin/yiwang.mjs'),
          'rebuild',
          '--service',
          service,
          '--projection',
          projection,
          '--mongo',
          mongoUri,
          '--db',
          fleet.databases[service],
          '--drop-rebuilt',
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
        (e, out, err) =>
          ok(
            `${service}/${projection}: ${e ? 'DIFFERENT' : 'equal'}${e ? ` (${(out + err).trim().split('\n').slice(-3).join(' / ')})` : ''}`,
          ),
      ),
    );
  const rebuilt: string[] = [];
  for (const [s, p] of [
    ['intake', 'reports'],
    ['dispatch', 'dispatch_cases'],
    ['dispatch', 'dispatch_indicators'],
  ] as const)
    rebuilt.push(await rebuild(s, p));

  for (const s of sup.values()) await s.stop(20_000);
  await infra('down');

  const kinds = new Map<string, number>();
  for (const c of [...reports, ...batches].filter((x) => x.error)) kinds.set(c.error!, (kinds.get(c.error!) ?? 0) + 1);
  const load = loadavg()[0]!.toFixed(1);
  const okMs = reports.filter((p) => p.ids).map((p) => p.ms);
  const batchMs = batches.filter((b) => b.ids).map((b) => b.ms);
  const equal =
    inStore === accepted.length &&
    missing.length === 0 &&
    received.once === accepted.length &&
    dispatched.once === accepted.length &&
    violations.once === recorded.length &&
    rebuilt.every((r) => r.includes(': equal'));
  const lines = [
    `offered ${reports.length} reports (Open311) at ${RATE}/s and ${batches.length} camera batches (gRPC, 2 violations each) over ${seconds} s;` +
      ` accepted ${accepted.length} reports and ${batches.filter((b) => b.ids).length} batches; refused or failed ${[...kinds.values()].reduce((a, b) => a + b, 0)}` +
      (kinds.size > 0 ? ` (${[...kinds].map(([k, n]) => `${n}× ${k}`).join(', ')})` : ''),
    `machine load average at the end: ${load} on ${cpus().length} cores`,
    `answers of accepted reports: p50 ${percentile(okMs, 50)} ms, p99 ${percentile(okMs, 99)} ms; of camera batches: p50 ${percentile(batchMs, 50)} ms, p99 ${percentile(batchMs, 99)} ms`,
    '',
    '| fault | back (ready) | flow restored | clients refused/failed | slowest answer |',
    '|---|---|---|---|---|',
    ...faults.map((f) => `| ${f.what} | ${secs(f.recoveredMs)} | ${secs(f.flowingMs)} | ${f.refused} | ${secs(f.slowestMs)} |`),
    '',
    `equality check: accepted ${accepted.length} reports; in intake's store ${inStore}; cases at dispatch ${accepted.length - missing.length}` +
      ` (missing after the drain: ${missing.length}); on Kafka one received report for ${received.once} (missing ${received.missing}, doubled ${received.doubled}),` +
      ` one dispatched case for ${dispatched.once} (missing ${dispatched.missing}, doubled ${dispatched.doubled});` +
      ` recorded violations ${recorded.length}, once on Kafka ${violations.once} (missing ${violations.missing}, doubled ${violations.doubled});` +
      ` the same event published again (same id, dropped by consumers): ${received.copies + dispatched.copies + violations.copies}`,
    `read models against a rebuild from the log: ${rebuilt.join('; ')}`,
    `result: ${equal ? 'nothing lost, nothing doubled' : 'MISMATCH (see the counts above)'}`,
    '',
    'supervisor:',
    ...restarts.map((r) => `  ${r}`),
  ];
  console.log(`\n${lines.join('\n')}\n\nwall time ${since(started)} s; logs ${logDir}`);
  if (process.env['CHAOS_WRITE_DOC'] === '1') writeDoc(lines, fleet.fromSource);
  if (process.env['CHAOS_KEEP_STATE'] !== '1') {
    rmSync(join(state, 'kafka'), { recursive: true, force: true });
    rmSync(join(state, 'ferretdb'), { recursive: true, force: true });
  }
  process.exit(equal ? 0 : 1);
}

function writeDoc(lines: string[], fromSource: boolean): void {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const path = join(ROOT, 'docs', 'reliability.md');
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf('<!-- chaos:begin -->');
  const end = doc.indexOf('<!-- chaos:end -->');
  if (start < 0 || end < 0) throw new Error('docs/reliability.md lacks the chaos:begin / chaos:end markers');
  const figures = `<!-- chaos:begin -->
Figures from one run of \`npm run chaos\` (bench/chaos.ts) on ${when} UTC, services ${fromSource ? 'from source (tsx)' : 'compiled'}:

\`\`\`
${lines.join('\n')}
\`\`\`
`;
  writeFileSync(path, doc.slice(0, start) + figures + doc.slice(end));
  console.log('wrote docs/reliability.md');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
