#!/usr/bin/env node
// The README's start command (after `npm install`): Kafka + the MongoDB-wire server, the intake and
// dispatch services as separate processes, a seeded demo day, the ranking table, and where to look.
//   npm start                      # everything, then keeps running until Ctrl-C
//   npm start -- --no-seed         # just the system
//   npm start -- --exit            # seed, print, stop (used to check the demo end to end)
//   DEMO_REPORTS=100 npm start     # a smaller day
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServers } from '../local/servers.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const logs = join(root, '.yiwang', 'logs');
mkdirSync(logs, { recursive: true });
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
// A demo secret, printed so the reader can sign tokens for the APIs. Never use it beyond a laptop.
const SECRET = process.env.AUTH_JWT_SECRET ?? 'yiwang-demo-secret-not-for-production-use';
const ports = { intakeHttp: 8081, intakeGrpc: 50051, dispatchHttp: 8082, dispatchGrpc: 50052 };
const children = new Map();

function fail(message) {
  console.error(`\n✗ ${message}`);
  stopAll().then(() => process.exit(1));
}

function startService(name, env) {
  const out = openSync(join(logs, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'services', name, 'src', 'main.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  child.on('exit', (code, signal) => {
    if (children.get(name) === child && !stopping) fail(`${name} exited (${signal ?? code}); see ${join(logs, `${name}.log`)}`);
  });
  children.set(name, child);
}

let stopping = false;
async function stopAll() {
  stopping = true;
  await Promise.all([...children.values()].map((c) => new Promise((r) => { if (c.exitCode !== null || c.signalCode !== null) return r(); c.once('exit', r); c.kill('SIGTERM'); setTimeout(() => { c.kill('SIGKILL'); r(); }, 25_000).unref(); })));
  children.clear();
}

async function waitReady(name, url) {
  const end = Date.now() + 120_000;
  for (;;) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`${name} not ready at ${url} after 120 s; see ${join(logs, `${name}.log`)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function runNode(file, env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stats = null;
    child.stdout.on('data', (b) => {
      for (const line of b.toString().split('\n').filter(Boolean)) {
        if (line.startsWith('DEMO_STATS ')) stats = JSON.parse(line.slice(11));
        else console.log(line);
      }
    });
    child.on('exit', (code) => (code === 0 ? resolveRun(stats) : reject(new Error(`${file} exited with ${code}`))));
  });
}

async function main() {
  console.log('Yiwang (一网): starting Kafka and the MongoDB-wire server …');
  const servers = await ensureServers({ keep: true });
  const gen = spawnSync(process.execPath, [join(root, 'infra/bin/gen-proto.mjs')], { cwd: root, stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('proto generation failed');
  const common = { KAFKA_BROKERS: servers.kafkaBrokers, MONGODB_URI: servers.mongoUri, AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'info' };
  // The demo's key for reporters' personal data (crypto-shredding): random per run, like its databases.
  const intakeEnv = { ...common, PII_MASTER_KEY: process.env.PII_MASTER_KEY ?? randomBytes(32).toString('base64'), INTAKE_DB: `yiwang_intake_demo_${stamp}`, INTAKE_HTTP_PORT: String(ports.intakeHttp), INTAKE_GRPC_PORT: String(ports.intakeGrpc) };
  const dispatchEnv = { ...common, DISPATCH_DB: `yiwang_dispatch_demo_${stamp}`, HTTP_PORT: String(ports.dispatchHttp), GRPC_PORT: String(ports.dispatchGrpc), DEADLINE_SCAN_INTERVAL_MS: '2000' };
  // Fresh topics per demo run, so a second run starts its day from zero.
  for (const env of [intakeEnv, dispatchEnv]) Object.assign(env, {
    INTAKE_EVENTS_TOPIC: `yiwang.intake.events.v1.demo${stamp}`, INTAKE_TOPIC: `yiwang.intake.events.v1.demo${stamp}`,
    DISPATCH_EVENTS_TOPIC: `yiwang.dispatch.events.v1.demo${stamp}`, DISPATCH_TOPIC: `yiwang.dispatch.events.v1.demo${stamp}`,
    INTAKE_CONSUMER_GROUP: `yiwang.intake.demo${stamp}`, DISPATCH_CONSUMER_GROUP: `yiwang.dispatch.demo${stamp}`,
  });
  console.log('starting intake and dispatch …');
  startService('intake', intakeEnv);
  startService('dispatch', dispatchEnv);
  await waitReady('intake', `http://127.0.0.1:${ports.intakeHttp}/readyz`);
  await waitReady('dispatch', `http://127.0.0.1:${ports.dispatchHttp}/readyz`);

  const demoEnv = { DEMO_INTAKE_GRPC: `127.0.0.1:${ports.intakeGrpc}`, DEMO_INTAKE_HTTP: `http://127.0.0.1:${ports.intakeHttp}`, DEMO_DISPATCH_GRPC: `127.0.0.1:${ports.dispatchGrpc}`, AUTH_JWT_SECRET: SECRET };
  if (!args.has('--no-seed')) {
    const n = Number(process.env.DEMO_REPORTS ?? 250);
    console.log(`seeding a day of ${n} reports …`);
    const stats = await runNode(join(root, 'test/demo/run-seed.ts'), { ...demoEnv, DEMO_REPORTS: String(n) });
    // Overdue: restart dispatch with its clock three days ahead. Nothing about deadlines lives in
    // memory, so the new process finds every open case past its working-time deadline.
    console.log('restarting dispatch with its clock 3 days ahead, so the open cases run past their deadlines …');
    const old = children.get('dispatch');
    children.delete('dispatch');
    await new Promise((r) => { old.once('exit', r); old.kill('SIGTERM'); });
    startService('dispatch', { ...dispatchEnv, CLOCK_OFFSET_MINUTES: String(3 * 24 * 60) });
    await waitReady('dispatch', `http://127.0.0.1:${ports.dispatchHttp}/readyz`);
    await runNode(join(root, 'test/demo/print-summary.ts'), { ...demoEnv, DEMO_STATS: JSON.stringify(stats) });
  }
  console.log(`
Where to look
  intake   HTTP http://127.0.0.1:${ports.intakeHttp}  (Open311: /open311/v2/services.json, /open311/v2/requests.json; /openapi.json; /metrics)
           gRPC 127.0.0.1:${ports.intakeGrpc}  yiwang.intake.v1.IntakeService (reflection on)
  dispatch HTTP http://127.0.0.1:${ports.dispatchHttp}  (/v1/ranking, /v1/indicators, /v1/cases/<id>; /openapi.json; /metrics)
           gRPC 127.0.0.1:${ports.dispatchGrpc}  yiwang.dispatch.v1.DispatchService (reflection on)
  Kafka    ${servers.kafkaBrokers}, topics ${dispatchEnv.INTAKE_TOPIC} and ${dispatchEnv.DISPATCH_TOPIC}
  MongoDB  ${servers.mongoUri} databases ${intakeEnv.INTAKE_DB}, ${dispatchEnv.DISPATCH_DB}
  logs     ${logs}/intake.log, dispatch.log
  tokens   HS256 with the demo secret "${SECRET}", claims sub, dept, roles (e.g. dept=centre.command, roles=["centre.command"])
`);
  if (args.has('--exit')) {
    await stopAll();
    return;
  }
  console.log('running; Ctrl-C stops the services (Kafka and the database keep running: npm run infra:down)');
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stopAll().then(() => process.exit(0)));
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
