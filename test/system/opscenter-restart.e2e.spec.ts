// Integration killed (SIGKILL) in the middle of pushing to a slow centre, and started again on the
// same database: nothing is lost, the centre gets every state of every case in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Link, driveToClosure, freePort, integrationEnv, order, startLink, until } from './opscenter-link.test-helpers';
import { writeLinkCertificates } from '@yiwang/opscenter-simulator';

let link: Link;
const children: ChildProcess[] = [];

beforeAll(async () => {
  link = await startLink(__filename);
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await link?.close();
});

const ROOT = join(__dirname, '..', '..');

/** Integration as its own process (main.ts), reading the link certificates from files. */
async function startChild(certDir: string, log: string): Promise<{ child: ChildProcess; http: string }> {
  const httpPort = await freePort();
  const env = integrationEnv(link.prefix, {
    INTAKE_GRPC_ADDRESS: link.intake.grpcAddress,
    OPSCENTER_ADDRESS: link.simulator.grpcAddress,
    INTEGRATION_GRPC_PORT: link.integration.grpcAddress.split(':')[1]!,
    INTEGRATION_HTTP_PORT: String(httpPort),
    OPSCENTER_CA_FILE: join(certDir, 'centre-ca.crt'),
    INTEGRATION_TLS_CERT_FILE: join(certDir, 'yiwang-client.crt'),
    INTEGRATION_TLS_KEY_FILE: join(certDir, 'yiwang-client.key'),
    LOG_LEVEL: 'info',
  });
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/integration/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  children.push(child);
  const http = `http://127.0.0.1:${httpPort}`;
  await until(async () => (await fetch(`${http}/healthz`)).ok, 60_000, `integration process up (log: ${log})`);
  return { child, http };
}

const CLOSED = 7;
const LOOP = ['opened', 'dispatched', 'signed_for', 'handling_reported', 'verified', 'closed'];

it('SIGKILL mid-push and a restart on the same database lose nothing and keep per-case order', async () => {
  const orders = [10, 11, 12].map((i) => order(link, i));
  const caseIds: string[] = [];
  for (const o of orders) {
    const [r] = await link.simulator.sender.send(o);
    if (!r?.ok) throw new Error('order refused');
    caseIds.push(r.response.caseId);
  }
  await until(
    async () => (await Promise.all(caseIds.map((id) => link.simulator.store.get(id)))).every((c) => c?.sequence === 2),
    45_000,
    'cases dispatched at the centre',
  );

  // Hand over from the in-process service to a separate process on the same database and port.
  await link.integration.stop();
  const dir = mkdtempSync(join(tmpdir(), 'yiwang-link-'));
  writeLinkCertificates(join(dir, 'certs'), link.certs);
  const first = await startChild(join(dir, 'certs'), join(dir, 'first.log'));

  // A slow centre: each push takes a while, so the kill lands while one is in flight.
  link.simulator.faults.change({ delayMs: 400 });
  await Promise.all(caseIds.map((id) => driveToClosure(link, id)));
  await until(
    async () => (await Promise.all(caseIds.map((id) => link.simulator.store.get(id)))).some((c) => (c?.sequence ?? 0) > 2),
    45_000,
    'pushing under way',
  );
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const cut = await Promise.all(caseIds.map((id) => link.simulator.store.get(id)));
  expect(cut.every((c) => c?.state === CLOSED)).toBe(false); // really killed mid-push

  link.simulator.faults.change({ delayMs: 0 });
  const second = await startChild(join(dir, 'certs'), join(dir, 'second.log'));
  for (const id of caseIds) {
    const c = await until(
      async () => {
        const doc = await link.simulator.store.get(id);
        return doc?.state === CLOSED && doc.sequence === LOOP.length ? doc : null;
      },
      90_000,
      `case ${id} closed at the centre after the restart`,
    );
    const changes = c.history.filter((h) => h.kind === 'change');
    expect(changes.map((h) => h.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(changes.map((h) => h.eventType.replace(/^dispatch\.case\.|\.v1$/g, ''))).toEqual(LOOP);
    expect(c.orderViolations).toEqual([]);
  }
  // Backlog, lag and the breaker are metrics of the process; the pushed counter appears with the
  // second process's first push (the centre may already hold everything the first one sent).
  const names = [
    'yiwang_opscenter_backlog',
    'yiwang_opscenter_sync_lag',
    'yiwang_opscenter_breaker_state',
    'yiwang_opscenter_updates_pushed',
  ];
  const metrics = await until(
    async () => {
      const text = await (await fetch(`${second.http}/metrics`)).text();
      return names.every((n) => text.includes(n)) ? text : null;
    },
    30_000,
    'the link metrics',
  );
  for (const name of names) expect(metrics).toContain(name);
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
}, 240_000);
