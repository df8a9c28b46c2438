#!/usr/bin/env node
// The README's start command (after `npm install`): Kafka + the MongoDB-wire server, the intake,
// dispatch and integration services and the operations-centre simulator as separate processes, a
// seeded demo day (with ~20 12345 work orders from the centre), the ranking table, the centre's view
// beside ours, and where to look.
//   npm start                      # everything, then keeps running until Ctrl-C
//   npm start -- --no-seed         # just the system
//   npm start -- --seed-only       # seed, print, stop (alias --exit; used to check the demo end to end)
//   DEMO_REPORTS=100 npm start     # a smaller day (default 250)
// Nothing waits forever: every step has a time limit (DEMO_TIMEOUT_MINUTES for seed + summary,
// default 20), and a failure stops the services and exits non-zero with the log to read. A service
// that dies is restarted with backoff (infra/local/supervisor.mjs); one that keeps dying stops the run.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServers } from '../local/servers.mjs';
import { freshDemoData } from '../local/demo-data.mjs';
import { supervise } from '../local/supervisor.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const logs = join(root, '.yiwang', 'logs');
mkdirSync(logs, { recursive: true });
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
// A demo secret, printed so the reader can sign tokens for the APIs. Never use it beyond a laptop.
const SECRET = process.env.AUTH_JWT_SECRET ?? 'yiwang-demo-secret-not-for-production-use';
// The simulator's admin API can take the centre down: a token of this run unless one is given.
const SIM_ADMIN_TOKEN = process.env.SIM_ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
const ports = {
  intakeHttp: 8081,
  intakeGrpc: 50051,
  dispatchHttp: 8082,
  dispatchGrpc: 50052,
  integrationHttp: 8083,
  integrationGrpc: 50053,
  integrationInternalGrpc: 50054,
  centreGrpc: 50060,
  centreAdmin: 8090,
  enforcementGrpc: 50055,
  enforcementHttp: 8085,
  parkingGrpc: 50056,
  parkingHttp: 8086,
  heatingGrpc: 50057,
  heatingHttp: 8087,
  sanitationGrpc: 50058,
  sanitationHttp: 8088,
};
/** The services' supervisors by name. */
const children = new Map();
/** The seed or summary process while one runs (stopped with the services on Ctrl-C or failure). */
let oneOff = null;
/** Demo steps running side by side (the line-of-work services' days). */
const sideSteps = new Set();
const exitOnly = args.has('--exit') || args.has('--seed-only');
for (const a of args)
  if (!['--exit', '--seed-only', '--no-seed'].includes(a)) {
    console.error(`unknown option ${a}; use --no-seed, --seed-only (alias --exit)`);
    process.exit(2);
  }

/**
 * The personal-data master key of the demo's databases, kept beside them in .yiwang/ so that a
 * `--no-seed` restart can still open what the last run sealed; a fresh day gets a fresh key.
 */
function demoPersonalDataKey(fresh) {
  if (process.env.PII_MASTER_KEY) return process.env.PII_MASTER_KEY;
  const file = join(root, '.yiwang', 'demo-pii-master-key');
  if (!fresh && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

function fail(message) {
  console.error(`\n✗ ${message}`);
  stopAll().then(() => process.exit(1));
}

// Services run compiled (`npm run build`, cached by Nx: only changed packages rebuild), as in the
// image; YIWANG_FROM_SOURCE=1 runs their TypeScript through tsx instead (no build step).
const fromSource = process.env.YIWANG_FROM_SOURCE === '1';
const serviceEntry = (name) =>
  fromSource
    ? ['--import', 'tsx', join(root, 'services', name, 'src', 'main.ts')]
    : ['--enable-source-maps', join(root, 'services', name, 'dist', 'main.js')];
function buildAll() {
  if (fromSource) return;
  console.log('building the packages (cached: only what changed) …');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    // Nx's task runner adds an exit/signal listener per package and Node warns past ten: noise, not ours.
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  if (r.status !== 0) {
    console.error('✗ the build failed; `npm run build` shows why');
    process.exit(1);
  }
}

function spawnService(name, env) {
  return () => {
    const out = openSync(join(logs, `${name}.log`), 'a');
    const child = spawn(process.execPath, serviceEntry(name), { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
    closeSync(out);
    return child;
  };
}

function startService(name, env) {
  children.set(
    name,
    supervise({
      name,
      spawn: spawnService(name, env),
      logHint: `see ${join(logs, `${name}.log`)}`,
      onGiveUp: (reason) => {
        if (!stopping) fail(reason);
      },
    }),
  );
}

let stopping = false;
/** True once everything is up and seeded: Ctrl-C is then the normal way to stop (exit 0). */
let running = false;
async function stopAll() {
  stopping = true;
  if (oneOff && oneOff.exitCode === null) oneOff.kill('SIGTERM');
  for (const c of sideSteps) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all([...children.values()].map((s) => s.stop(25_000)));
  children.clear();
}

async function waitReady(name, url) {
  const end = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`${name} not ready at ${url} after 120 s; see ${join(logs, `${name}.log`)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const deadline = Date.now() + Number(process.env.DEMO_TIMEOUT_MINUTES ?? 20) * 60_000;

/**
 * The line-of-work services and how the demo runs each: ports and the personal-data key; database,
 * topic and consumer group are the service's documented defaults. A service joins the demo with an
 * entry here and a `test/demo/<name>-day.ts`.
 */
function lineServices(common, piiKey) {
  const topic = (name) => `yiwang.${name}.events.v1`;
  const all = [
    {
      name: 'enforcement',
      grpc: 50055,
      http: 8085,
      env: {
        ENFORCEMENT_GRPC_PORT: '50055',
        ENFORCEMENT_HTTP_PORT: '8085',
        ENFORCEMENT_DEADLINE_SCAN_INTERVAL_MS: '2000',
      },
    },
    {
      name: 'parking',
      grpc: 50056,
      http: 8086,
      env: {
        PARKING_GRPC_PORT: '50056',
        PARKING_HTTP_PORT: '8086',
        PARKING_DEADLINE_SCAN_INTERVAL_MS: '2000',
      },
    },
    {
      name: 'heating',
      grpc: 50057,
      http: 8087,
      env: {
        HEATING_GRPC_PORT: '50057',
        HEATING_HTTP_PORT: '8087',
        DEADLINE_SCAN_INTERVAL_MS: '2000',
      },
    },
    {
      name: 'sanitation',
      grpc: 50058,
      http: 8088,
      env: {
        SANITATION_GRPC_PORT: '50058',
        SANITATION_HTTP_PORT: '8088',
        SANITATION_DEADLINE_SCAN_INTERVAL_MS: '2000',
      },
    },
  ];
  return all
    .filter((l) => existsSync(join(root, 'services', l.name, 'src', 'main.ts')))
    .map((l) => ({ ...l, topic: topic(l.name), env: { ...common, PII_MASTER_KEY: piiKey, ...l.env } }));
}

/**
 * Runs a demo step (`node --import tsx file args…`), echoing its lines; rejects on failure or past the
 * time limit. With `collect`, the lines are kept and printed as one block at the end (steps that run
 * side by side).
 */
function runNode(file, env, { args: extra = [], collect = false } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...extra], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (!collect) oneOff = child;
    else sideSteps.add(child);
    const block = [];
    const say = (line) => (collect ? block.push(line) : console.log(line));
    let stats = null;
    let buffered = '';
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(new Error(`${file} did not finish within DEMO_TIMEOUT_MINUTES (${process.env.DEMO_TIMEOUT_MINUTES ?? 20}); see ${logs}`));
      },
      Math.max(1000, deadline - Date.now()),
    );
    child.stdout.on('data', (b) => {
      buffered += b.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        if (line.startsWith('DEMO_STATS ')) stats = JSON.parse(line.slice(11));
        else say(line);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (collect) sideSteps.delete(child);
      else oneOff = null;
      if (buffered) say(buffered);
      if (collect) console.log(block.join('\n'));
      if (code === 0) resolveRun(stats);
      else reject(new Error(`${file} exited with ${signal ?? code}`));
    });
  });
}

/** Fails early when another process (a second `npm start`?) holds a port we need. */
async function checkPortsFree() {
  const { createServer } = await import('node:net');
  for (const [what, port] of Object.entries(ports)) {
    await new Promise((ok, bad) => {
      const probe = createServer().once('error', () =>
        bad(new Error(`port ${port} (${what}) is in use — is another \`npm start\` running? Stop it first`)),
      );
      probe.listen(port, '0.0.0.0', () => probe.close(ok));
    });
  }
}

async function main() {
  // Ctrl-C at any point (even while seeding) stops the services and the seed; Kafka and the database keep running.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      console.log(`\n${sig}: stopping the services …`);
      stopAll().then(() => process.exit(running ? 0 : sig === 'SIGINT' ? 130 : 143));
    });
  }
  const started = Date.now();
  console.log('Yiwang (一网): starting Kafka and the MongoDB-wire server …');
  const servers = await ensureServers({ keep: true });
  const gen = spawnSync(process.execPath, [join(root, 'infra/bin/gen-proto.mjs')], { cwd: root, stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('proto generation failed');
  buildAll();
  await checkPortsFree();
  if (!process.env.AUTH_JWT_SECRET)
    console.log(`AUTH_JWT_SECRET: using the DEMO secret "${SECRET}" — for this laptop demo only, never in production`);
  const common = { KAFKA_BROKERS: servers.kafkaBrokers, MONGODB_URI: servers.mongoUri, AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'info' };
  // Documented names (yiwang_<service>, yiwang.<service>.events.v1): a seeded day starts from empty
  // storage; --no-seed starts on what the last run left.
  if (!args.has('--no-seed')) await freshDemoData(servers);
  const intakeEnv = {
    ...common,
    PII_MASTER_KEY: demoPersonalDataKey(!args.has('--no-seed')),
    INTAKE_HTTP_PORT: String(ports.intakeHttp),
    INTAKE_GRPC_PORT: String(ports.intakeGrpc),
  };
  const dispatchEnv = {
    ...common,
    HTTP_PORT: String(ports.dispatchHttp),
    GRPC_PORT: String(ports.dispatchGrpc),
    DEADLINE_SCAN_INTERVAL_MS: '2000',
  };
  console.log('starting intake and dispatch …');
  startService('intake', intakeEnv);
  startService('dispatch', dispatchEnv);
  await waitReady('intake', `http://127.0.0.1:${ports.intakeHttp}/readyz`);
  await waitReady('dispatch', `http://127.0.0.1:${ports.dispatchHttp}/readyz`);

  // The operations-centre link: fresh certificates (two CAs, mutual TLS), the simulated centre and integration.
  const certDir = join(root, '.yiwang', `link-certs-${stamp}`);
  const certs = spawnSync(
    process.execPath,
    fromSource
      ? ['--import', 'tsx', join(root, 'services/opscenter-simulator/src/pki/generate-certificates.ts'), certDir]
      : [join(root, 'services/opscenter-simulator/dist/pki/generate-certificates.js'), certDir],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (certs.status !== 0) throw new Error('could not generate the link certificates');
  const integrationEnv = {
    ...common,
    INTEGRATION_HTTP_PORT: String(ports.integrationHttp),
    INTEGRATION_GRPC_PORT: String(ports.integrationGrpc),
    INTEGRATION_INTERNAL_GRPC_PORT: String(ports.integrationInternalGrpc),
    INTAKE_GRPC_ADDRESS: `127.0.0.1:${ports.intakeGrpc}`,
    OPSCENTER_ADDRESS: `127.0.0.1:${ports.centreGrpc}`,
    OPSCENTER_CA_FILE: join(certDir, 'centre-ca.crt'),
    INTEGRATION_TLS_CERT_FILE: join(certDir, 'yiwang-client.crt'),
    INTEGRATION_TLS_KEY_FILE: join(certDir, 'yiwang-client.key'),
    OPSCENTER_RECONCILE_INTERVAL_MS: '60000',
  };
  const centreEnv = {
    ...common,
    SIM_GRPC_PORT: String(ports.centreGrpc),
    SIM_ADMIN_PORT: String(ports.centreAdmin),
    SIM_CERT_DIR: certDir,
    YIWANG_LINK_ADDRESS: `127.0.0.1:${ports.integrationGrpc}`,
    SIM_ADMIN_TOKEN,
  };
  console.log('starting integration and the operations-centre simulator …');
  startService('opscenter-simulator', centreEnv);
  startService('integration', integrationEnv);
  await waitReady('opscenter-simulator', `http://127.0.0.1:${ports.centreAdmin}/healthz`);
  await waitReady('integration', `http://127.0.0.1:${ports.integrationHttp}/readyz`);

  // The lines of work (执法, 停车, 供热, 环卫): each an independent service on its own database and topic.
  const lines = lineServices(common, intakeEnv.PII_MASTER_KEY);
  console.log(`starting ${lines.map((l) => l.name).join(', ')} …`);
  for (const l of lines) startService(l.name, l.env);
  for (const l of lines) await waitReady(l.name, `http://127.0.0.1:${l.http}/readyz`);

  const demoEnv = {
    DEMO_INTAKE_GRPC: `127.0.0.1:${ports.intakeGrpc}`,
    DEMO_INTAKE_HTTP: `http://127.0.0.1:${ports.intakeHttp}`,
    DEMO_DISPATCH_GRPC: `127.0.0.1:${ports.dispatchGrpc}`,
    AUTH_JWT_SECRET: SECRET,
  };
  if (!args.has('--no-seed')) {
    const n = Number(process.env.DEMO_REPORTS ?? 250);
    console.log(`seeding a day of ${n} reports …`);
    const stats = await runNode(join(root, 'test/demo/run-seed.ts'), { ...demoEnv, DEMO_REPORTS: String(n) });
    // Overdue: restart dispatch with its clock three days ahead. Nothing about deadlines lives in
    // memory, so the new process finds every open case past its working-time deadline.
    console.log('restarting dispatch with its clock 3 days ahead, so the open cases run past their deadlines …');
    // Its graceful stop can take up to its own 45 s budget after a busy day (it exits by itself then; killed at 60 s).
    await children.get('dispatch').replace(spawnService('dispatch', { ...dispatchEnv, CLOCK_OFFSET_MINUTES: String(3 * 24 * 60) }), 60_000);
    await waitReady('dispatch', `http://127.0.0.1:${ports.dispatchHttp}/readyz`);
    // Three days on, the units close half of what was left open — late, so 按期结案率 < 结案率.
    const after = await runNode(join(root, 'test/demo/run-seed.ts'), { ...demoEnv, DEMO_PHASE: 'late', DEMO_STATS: JSON.stringify(stats) });
    await runNode(join(root, 'test/demo/print-summary.ts'), { ...demoEnv, DEMO_STATS: JSON.stringify(after ?? stats) });
    // Before the centre's orders, so the table recomputed from the replay must equal the live one above.
    await analystsDemo();
    // The operations centre's part of the day (after the summary, so the seed's own counts stay its own):
    // ~20 12345 work orders through the link, some taken through the loop, then both views side by side.
    const centreDemo = {
      ...demoEnv,
      DEMO_SIM_ADMIN: `http://127.0.0.1:${ports.centreAdmin}`,
      DEMO_SIM_ADMIN_TOKEN: SIM_ADMIN_TOKEN,
      DEMO_INTEGRATION_HTTP: `http://127.0.0.1:${ports.integrationHttp}`,
    };
    await runNode(join(root, 'test/demo/centre-demo.ts'), {
      ...centreDemo,
      DEMO_PHASE: 'orders',
      DEMO_WORK_ORDERS: process.env.DEMO_WORK_ORDERS ?? '20',
    });
    await runNode(join(root, 'test/demo/centre-demo.ts'), { ...centreDemo, DEMO_PHASE: 'view' });
    // The lines of work play their days side by side, each through its own public API.
    console.log(`\nthe lines of work: ${lines.map((l) => l.name).join(', ')} play their day …`);
    await Promise.all(
      lines.map((l) =>
        runNode(
          join(root, 'test/demo/run-service-day.ts'),
          { DEMO_GRPC: `127.0.0.1:${l.grpc}`, DEMO_HTTP: `http://127.0.0.1:${l.http}`, AUTH_JWT_SECRET: SECRET },
          { args: [l.name], collect: true },
        ),
      ),
    );
  }
  // What an analyst does with the day: the analysts' CLI (npx yiwang), as a separate process.
  async function analystsDemo() {
    const signed = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/demo/token.ts'), 'centre.supervision', 'analyst.replay'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, AUTH_JWT_SECRET: SECRET } },
    );
    if (signed.status !== 0) throw new Error(`could not sign an analyst token: ${signed.stderr.trim()}`);
    const token = signed.stdout.trim();
    const cli = (...a) =>
      spawnSync(process.execPath, [join(root, 'apps/cli/bin/yiwang.mjs'), ...a, '--quiet'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, YIWANG_TOKEN: token },
      });
    const file = join(root, '.yiwang', 'replays', `dispatch-${stamp}.ndjson`);
    mkdirSync(dirname(file), { recursive: true });
    console.log(`\nanalysts: npx yiwang replay --service dispatch → ${file}`);
    const replay = cli('replay', '--service', 'dispatch', '--address', `127.0.0.1:${ports.dispatchGrpc}`, '--out', file);
    if (replay.status !== 0) throw new Error(`yiwang replay failed: ${replay.stderr.trim()}`);
    const counts = new Map();
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const t = JSON.parse(line).type;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    console.log(
      [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `  ${String(n).padStart(5)}  ${t}`)
        .join('\n'),
    );
    // The same ranking as the live table above, recomputed from the replayed events alone (as of dispatch's clock).
    const asOf = new Date(Date.now() + 3 * 86_400_000).toISOString();
    console.log(
      '\nanalysts: npx yiwang indicators --dimension district --ranking onTimeClosureRate — from a replay of both logs; equals the live table above',
    );
    const ranking = cli(
      'indicators',
      '--dimension',
      'district',
      '--ranking',
      'onTimeClosureRate',
      '--week-of',
      new Date().toISOString(),
      '--as-of',
      asOf,
      '--dispatch-address',
      `127.0.0.1:${ports.dispatchGrpc}`,
      '--intake-address',
      `127.0.0.1:${ports.intakeGrpc}`,
    );
    if (ranking.status !== 0) throw new Error(`yiwang indicators failed: ${ranking.stderr.trim()}`);
    console.log(ranking.stdout.trimEnd());
  }

  console.log(`
Where to look
  intake   HTTP http://127.0.0.1:${ports.intakeHttp}  (Open311: /open311/v2/services.json, /open311/v2/requests.json; /openapi.json; /metrics)
           gRPC 127.0.0.1:${ports.intakeGrpc}  yiwang.intake.v1.IntakeService (reflection on)
  dispatch HTTP http://127.0.0.1:${ports.dispatchHttp}  (/v1/ranking, /v1/indicators, /v1/cases/<id>; /openapi.json; /metrics)
           gRPC 127.0.0.1:${ports.dispatchGrpc}  yiwang.dispatch.v1.DispatchService (reflection on)
  integration HTTP http://127.0.0.1:${ports.integrationHttp}  (/v1/sync/status, /v1/sync/cases/<id>, POST /v1/reconciliations; /metrics)
           gRPC 127.0.0.1:${ports.integrationGrpc}  yiwang.opscenter.v1.CaseLinkService (mutual TLS; certificates in ${certDir})
  centre   simulator admin http://127.0.0.1:${ports.centreAdmin}  (/cases, /stats, POST /faults {"unavailableForMs":60000}, POST /work-orders {"count":5})
           with -H 'authorization: Bearer ${SIM_ADMIN_TOKEN}'  (this run's admin token; SIM_ADMIN_TOKEN sets it)
           gRPC 127.0.0.1:${ports.centreGrpc}  yiwang.opscenter.v1.OpsCentreService (mutual TLS)
${lines.map((l) => `  ${l.name.padEnd(8)} HTTP http://127.0.0.1:${l.http}  (/healthz, /openapi.json, /metrics)\n           gRPC 127.0.0.1:${l.grpc}  yiwang.${l.name}.v1 (reflection on), topic ${l.topic}`).join('\n')}
  Kafka    ${servers.kafkaBrokers}, topics yiwang.intake.events.v1 and yiwang.dispatch.events.v1 (+ .dlq), ${lines.map((l) => l.topic).join(', ')}
           read them: node test/demo/peek-topics.mjs ${servers.kafkaBrokers} yiwang.intake.events.v1 yiwang.dispatch.events.v1
           or kcat -b ${servers.kafkaBrokers} -L
  MongoDB  ${servers.mongoUri} databases yiwang_intake, yiwang_dispatch, yiwang_integration, opscenter_simulator, ${lines.map((l) => `yiwang_${l.name}`).join(', ')}
  logs     ${logs}/{intake,dispatch,integration,opscenter-simulator,${lines.map((l) => l.name).join(',')}}.log (JSON lines; pipe through npx pino-pretty)
  tokens   HS256 with the DEMO secret "${SECRET}", claims sub, dept, roles; e.g.
           TOKEN=$(AUTH_JWT_SECRET='${SECRET}' node --import tsx test/demo/token.ts centre.command centre.command)
           curl -s -H "authorization: Bearer $TOKEN" 'http://127.0.0.1:${ports.dispatchHttp}/v1/ranking?dimension=district'
           curl -s 'http://127.0.0.1:${ports.intakeHttp}/open311/v2/requests.json'
  analysts export YIWANG_TOKEN=$(AUTH_JWT_SECRET='${SECRET}' node --import tsx test/demo/token.ts centre.supervision analyst.replay)
           npx yiwang replay --service dispatch --format csv --out cases.csv      (intake :${ports.intakeGrpc}, integration :${ports.integrationInternalGrpc})
           npx yiwang replay --service intake --source kafka --topic yiwang.intake.events.v1
           npx yiwang case-at <caseId> --at 2026-11-23T15:00      npx yiwang indicators --dimension unit
           npx yiwang rebuild --service dispatch --projection dispatch_cases --mongo ${servers.mongoUri} --db yiwang_dispatch
           (formats: docs/replay-formats.md)
`);
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (exitOnly) {
    await stopAll();
    return;
  }
  running = true;
  console.log('running; Ctrl-C stops the services (Kafka and the database keep running: npm run infra:down)');
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
