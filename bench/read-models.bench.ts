// Issue #11, item 3: reads from read models, by `_id`. Intake and dispatch run as child processes;
// the bench seeds cases through Open311 (inspectors' reports are filed and dispatched at once),
// then drives, each from a process of its own and at the same number of concurrent callers:
// - `GetCase` over gRPC with ghz (server reflection, a bearer token, the seeded ids round-robin);
// - `GET /v1/cases/:id` (dispatch) and Open311 `GET /requests/:id.json` (intake) over HTTP;
// - the baseline: a raw driver `findOne({_id})` loop over the very documents `GetCase` reads.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Servers } from '../infra/local/servers.mjs';
import { cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { loadCategories } from './chaos-fleet';
import { caseIdForReport } from '@yiwang/dispatch';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import {
  DispatchServiceClient,
  ReportHandlingRequest,
  SignForRequest,
  VerificationOutcome,
  VerifyRequest,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { ms, percentile } from './open-loop';
import type { LoadResult, LoadSpec } from './read-load';
import { freePort, startService, waitReady, type ServiceProcess } from './service-processes';
import { cpuSeconds, privateFerret } from './private-ferret';

export interface ReadBenchOptions {
  /** Cases seeded (and read round-robin). */
  readonly cases: number;
  /** Seconds each driver runs. */
  readonly seconds: number;
  /** Concurrent callers of every driver. */
  readonly concurrency: number;
}

const ROOT = join(__dirname, '..');
const API_KEY = 'bench-inspector';
const CENTRE = { subject: 'bench.centre', department: 'centre.command', roles: ['centre.command'] };
const INSPECTOR = { subject: 'bench.inspector', department: 'centre.supervision', roles: ['inspector'] };

interface Row {
  readonly name: string;
  /** CPU milliseconds per answered request: of the service that answered, and of the database server. */
  readonly serviceCpuMs?: number;
  readonly dbCpuMs?: number;
  /** CPU milliseconds per request of the load generator itself (when it reports it). */
  readonly driverCpuMs?: number;
  readonly requests: number;
  readonly errors: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly note?: string;
}

/** The process of the MongoDB-wire server at `uri` (FerretDB or mongod), if it runs on this machine. */
function databasePid(uri: string): number | undefined {
  const port = new URL(uri).port || '27017';
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (/(^|\/)(ferretdb|mongod)\0/.test(cmd) && cmd.includes(`:${port}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Runs `measure` and adds the CPU its service and the database spent, per answered request. */
async function withCpu(servicePid: number | undefined, dbPid: number | undefined, measure: () => Promise<Row>): Promise<Row> {
  const [s0, d0] = [cpuSeconds(servicePid), cpuSeconds(dbPid)];
  const row = await measure();
  const per = (x: number) => (row.requests > 0 ? (x * 1000) / row.requests : NaN);
  return {
    ...row,
    ...(servicePid !== undefined ? { serviceCpuMs: per(cpuSeconds(servicePid) - s0) } : {}),
    ...(dbPid !== undefined ? { dbCpuMs: per(cpuSeconds(dbPid) - d0) } : {}),
  };
}

/** Runs a command to its end; resolves with its stdout (rejects with its stderr). */
function exec(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`))));
  });
}

async function load(name: string, spec: LoadSpec): Promise<Row> {
  const out = await exec(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'read-load.ts'), JSON.stringify(spec)]);
  const r = JSON.parse(out) as LoadResult;
  return {
    name,
    requests: r.requests,
    errors: r.errors,
    rps: r.requests / r.seconds,
    p50: percentile(r.latenciesMs, 50),
    p99: percentile(r.latenciesMs, 99),
    ...(r.requests > 0 ? { driverCpuMs: (r.cpuSeconds * 1000) / r.requests } : {}),
    ...(r.firstError ? { note: `first error: ${r.firstError}` } : {}),
  };
}

interface GhzReport {
  count: number;
  rps: number;
  latencyDistribution: Array<{ percentage: number; latency: number }> | null;
  statusCodeDistribution: Record<string, number>;
  errorDistribution?: Record<string, number> | null;
}

async function ghz(bin: string, address: string, token: string, caseIds: readonly string[], options: ReadBenchOptions, seconds: number) {
  const out = await exec(bin, [
    '--insecure',
    '--call',
    'yiwang.dispatch.v1.DispatchService/GetCase',
    '--data',
    JSON.stringify(caseIds.map((caseId) => ({ caseId }))),
    '--metadata',
    JSON.stringify({ authorization: `Bearer ${token}` }),
    '--concurrency',
    String(options.concurrency),
    '--connections',
    '1',
    '--duration',
    `${seconds}s`,
    // Calls in flight when the time is up finish and count (by default ghz cuts them off as errors).
    '--duration-stop',
    'wait',
    '--format',
    'json',
    address,
  ]);
  const r = JSON.parse(out) as GhzReport;
  const at = (p: number) => (r.latencyDistribution?.find((d) => d.percentage === p)?.latency ?? NaN) / 1e6;
  const ok = r.statusCodeDistribution['OK'] ?? 0;
  const errors = Object.entries(r.errorDistribution ?? {});
  return {
    name: 'GetCase (gRPC, ghz)',
    requests: ok,
    errors: r.count - ok,
    rps: (r.rps * ok) / Math.max(r.count, 1),
    p50: at(50),
    p99: at(99),
    ...(errors.length > 0 ? { note: `errors: ${errors.map(([e, n]) => `${n}× ${e}`).join('; ')}` } : {}),
  };
}

/** Distinct (category, cell) pairs, so no report is merged into another as a duplicate. */
function reports(n: number): string[] {
  const categories = loadCategories();
  const cells = [...shippedUnitGrid().cells.values()];
  return Array.from({ length: n }, (_, i) => {
    const p = cellCentre(cells[Math.floor(i / categories.length) % cells.length]!);
    return new URLSearchParams({
      api_key: API_KEY,
      service_code: categories[i % categories.length]!,
      lat: String(p.lat),
      long: String(p.lon),
      description: `read bench ${i}`,
    }).toString();
  });
}

export async function benchRead(servers: Servers, options: ReadBenchOptions): Promise<string> {
  const { ensureGhz } = await import('../infra/local/ghz.mjs');
  const ghzBin = ensureGhz();
  const stamp = `${Date.now()}`;
  const logDir = join(ROOT, '.yiwang', 'bench', `read-${stamp}`);
  mkdirSync(logDir, { recursive: true });
  const topics = { intake: `bench.read.intake.${stamp}`, dispatch: `bench.read.dispatch.${stamp}` };
  const admin = new Kafka({ brokers: servers.kafkaBrokers.split(','), clientId: 'bench-read', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 6 })) });
  await admin.disconnect();

  // A database given by MONGODB_URI (MongoDB 7, say) is measured as given; else FerretDB of our own.
  const db = process.env['MONGODB_URI'] ? null : await privateFerret('read');
  const mongoUri = db?.uri ?? servers.mongoUri;
  const secret = randomBytes(24).toString('hex');
  const ports = { ih: await freePort(), ig: await freePort(), dh: await freePort(), dg: await freePort() };
  const dispatchDb = `bench_read_dispatch_${stamp}`;
  const common = { KAFKA_BROKERS: servers.kafkaBrokers, MONGODB_URI: mongoUri, AUTH_JWT_SECRET: secret, LOG_LEVEL: 'warn' };
  const intakeEnv = {
    ...common,
    INTAKE_DB: `bench_read_intake_${stamp}`,
    INTAKE_HOST: '127.0.0.1',
    INTAKE_HTTP_PORT: String(ports.ih),
    INTAKE_GRPC_PORT: String(ports.ig),
    INTAKE_TOPIC: topics.intake,
    INTAKE_EVENTS_TOPIC: topics.intake,
    DISPATCH_EVENTS_TOPIC: topics.dispatch,
    DISPATCH_TOPIC: topics.dispatch,
    INTAKE_CONSUMER_GROUP: `bench.read.intake.${stamp}`,
    OPEN311_API_KEYS: `${API_KEY}=inspector`,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
  };
  const dispatchEnv = {
    ...common,
    DISPATCH_DB: dispatchDb,
    BIND_HOST: '127.0.0.1',
    HTTP_PORT: String(ports.dh),
    GRPC_PORT: String(ports.dg),
    INTAKE_TOPIC: topics.intake,
    DISPATCH_TOPIC: topics.dispatch,
    DISPATCH_CONSUMER_GROUP: `bench.read.dispatch.${stamp}`,
  };
  const services: ServiceProcess[] = [];
  try {
    services.push(startService(ROOT, 'intake', intakeEnv, logDir), startService(ROOT, 'dispatch', dispatchEnv, logDir));
    await waitReady(services[0]!, `http://127.0.0.1:${ports.ih}/readyz`);
    await waitReady(services[1]!, `http://127.0.0.1:${ports.dh}/readyz`);

    // Seed: each report is filed at once and dispatched; wait until every case is readable.
    const reportIds: string[] = [];
    for (const body of reports(options.cases)) {
      const res = await fetch(`http://127.0.0.1:${ports.ih}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const answer = (await res.json()) as Array<{ service_request_id?: string }>;
      const id = answer[0]?.service_request_id;
      if (res.status !== 200 || !id) throw new Error(`seeding: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 200)}`);
      reportIds.push(id);
    }
    const caseIds = reportIds.map((id) => caseIdForReport(id));
    const token = await signToken(CENTRE, { secret });
    const headers = { authorization: `Bearer ${token}` };
    const caseUrls = caseIds.map((id) => `http://127.0.0.1:${ports.dh}/v1/cases/${id}`);
    const until = Date.now() + 180_000;
    for (const url of caseUrls) {
      for (;;) {
        const res = await fetch(url, { headers });
        const body = (await res.json()) as { status?: string };
        if (res.status === 200 && body.status === 'dispatched') break;
        if (Date.now() > until) throw new Error(`seeding: ${url} not dispatched in time (${res.status}); see ${logDir}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    // A case as the demo day leaves many: signed for, handled, failed at the check, handled again
    // (7 events in 5 commits), so the stream read of "before" walks a realistic commit chain.
    const clients = new Map<string, DispatchServiceClient>();
    const as = async (who: Principal) => {
      let client = clients.get(who.department);
      if (!client) {
        client = createGrpcClient(DispatchServiceClient, `127.0.0.1:${ports.dg}`, { token: await signToken(who, { secret }) });
        clients.set(who.department, client);
      }
      return client;
    };
    try {
      for (const [i, url] of caseUrls.entries()) {
        const caseId = caseIds[i]!;
        const { unitId } = (await (await fetch(url, { headers })).json()) as { unitId: string };
        const unit = await as({ subject: 'bench.unit', department: unitId, roles: [] });
        const inspector = await as(INSPECTOR);
        const handled = { caseId, notes: '已处理', photoRefs: [] };
        await callUnary(unit.signFor.bind(unit), SignForRequest.fromPartial({ caseId }));
        await callUnary(unit.reportHandling.bind(unit), ReportHandlingRequest.fromPartial(handled));
        const failed = { caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_FAILED, notes: '仍有残留' };
        await callUnary(inspector.verify.bind(inspector), VerifyRequest.fromPartial(failed));
        await callUnary(unit.reportHandling.bind(unit), ReportHandlingRequest.fromPartial(handled));
      }
    } finally {
      for (const client of clients.values()) client.close();
    }

    const c = options.concurrency;
    const s = options.seconds;
    // Warm-up (JIT, connections, ghz's reflection); not measured.
    await ghz(ghzBin, `127.0.0.1:${ports.dg}`, token, caseIds, options, 2);
    const dbPid = databasePid(mongoUri);
    const [intakePid, dispatchPid] = [services[0]!.child.pid, services[1]!.child.pid];
    const baseline = await withCpu(undefined, dbPid, () =>
      load('baseline: raw findOne({_id}) (driver)', {
        kind: 'mongo',
        uri: mongoUri,
        db: dispatchDb,
        collection: 'rm_dispatch_cases_cases_g1',
        ids: caseIds,
        concurrency: c,
        seconds: s,
      }),
    );
    const before = await withCpu(undefined, dbPid, () =>
      load("before: the case's stream read (the old GetCase's reads, no gRPC)", {
        kind: 'stream',
        uri: mongoUri,
        db: dispatchDb,
        streamIds: caseIds.map((id) => `case-${id}`),
        concurrency: c,
        seconds: s,
      }),
    );
    const rows: Row[] = [
      baseline,
      before,
      await withCpu(dispatchPid, dbPid, () => ghz(ghzBin, `127.0.0.1:${ports.dg}`, token, caseIds, options, s)),
      await withCpu(dispatchPid, dbPid, () =>
        load('GET /v1/cases/:id (dispatch HTTP)', { kind: 'http', urls: caseUrls, headers, concurrency: c, seconds: s }),
      ),
      await withCpu(intakePid, dbPid, () =>
        load('GET /requests/:id.json (intake Open311)', {
          kind: 'http',
          urls: reportIds.map((id) => `http://127.0.0.1:${ports.ih}/open311/v2/requests/${id}.json`),
          headers: {},
          concurrency: c,
          seconds: s,
        }),
      ),
    ];
    const cpu = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));
    return [
      `## Reads by _id: GetCase, GET /v1/cases/:id, Open311 GET /requests/:id.json (${c} concurrent callers, ${s} s each, ${options.cases} cases)`,
      '',
      'Each driver runs in its own process (ghz for gRPC, a closed loop of fetch / driver calls otherwise); intake and dispatch are child processes. Each case: 7 events in 5 commits. Ratio: throughput against the raw findOne baseline of this run (the same documents GetCase reads).',
      '',
      '| run | requests | errors | req/s | p50 ms | p99 ms | × baseline req/s | service CPU ms/req | database CPU ms/req | driver CPU ms/req |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.requests} | ${r.errors} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${(r.rps / baseline.rps).toFixed(2)}× | ${cpu(r.serviceCpuMs)} | ${cpu(r.dbCpuMs)} | ${cpu(r.driverCpuMs)} |`,
      ),
      '',
      `Database: ${db ? 'a private FerretDB 1.24 (SQLite) of this bench' : `the shared server ${servers.mongoUri}`} (pid ${dbPid ?? 'not on this machine'}). CPU per request from /proc/<pid>/stat over each run; under contention it is steadier than req/s. Load average at the end: ${readFileSync('/proc/loadavg', 'utf8').trim()}.`,
      ...rows.flatMap((r) => (r.note ? [`\n${r.name}: ${r.note}`] : [])),
      '',
      `Service logs: ${logDir}`,
      '',
    ].join('\n');
  } finally {
    for (const p of services.reverse()) await p.stop();
    await db?.stop();
  }
}
