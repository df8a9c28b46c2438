// The database server lost under a running service (issue 17): intake runs in-process on a FerretDB of
// its own (own port and state folder; the shared one is never touched), which is killed with kill -9
// and started again on its data. While it is away, commands fail with 503 problem+json / gRPC
// UNAVAILABLE and a clear message, nothing of them is written, and /readyz says 503; when it is back
// the same process serves again by itself: /readyz 200, new reports accepted, the sequencer, relay and
// projectors carry on (the reports reach Kafka exactly once, their status is readable by token).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cellCentre, shippedUnitGrid, startIntakeService, type RunningIntake } from '@yiwang/intake';
import { grpcClient, http, quietLogger, rpc, subscribeWhenCreated, testConfig, tokenFor } from '@yiwang/intake/testing';
import { testServers, until } from '@yiwang/testing';

const ROOT = resolve(__dirname, '..', '..');
jest.setTimeout(300_000);

const state = mkdtempSync(join(tmpdir(), 'yiwang-db-loss-'));
let mongoPort = 0;
let intake: RunningIntake | undefined;

/** A free port below the ephemeral range, so no outgoing connection takes it while FerretDB is down. */
async function lowPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((ok) => {
      const s = createServer().once('error', () => ok(false));
      s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
    });
    if (free) return port;
  }
}

/** `infra.mjs` on the private state folder: the broker is given (the shared one), so only FerretDB is started or stopped. */
function infra(cmd: 'up' | 'down'): Promise<string> {
  const { MONGODB_URI: _m, ...rest } = process.env;
  const env = {
    ...rest,
    KAFKA_BROKERS: testServers().kafkaBrokers.join(','),
    YIWANG_STATE: state,
    YIWANG_MONGO_PORT: String(mongoPort),
    YIWANG_CONTAINERS: '0',
  };
  return new Promise((done, fail) =>
    execFile(process.execPath, [join(ROOT, 'infra/bin/infra.mjs'), cmd], { env, encoding: 'utf8' }, (e, out, err) =>
      e ? fail(new Error(`infra ${cmd}: ${out}${err}`)) : done(`${out}${err}`),
    ),
  );
}

async function portClosed(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const probe = createServer().once('error', () => ok(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => ok(true)));
  });
}

beforeAll(async () => {
  mongoPort = await lowPort();
  await infra('up');
});

afterAll(async () => {
  await intake?.stop();
  await infra('down');
  rmSync(state, { recursive: true, force: true });
});

const cells = [...shippedUnitGrid().cells.values()];
// Each report its own cell, so none is taken for a duplicate of another.
const report = (i: number, text: string) => ({
  category: 'event.01.02',
  location: cellCentre(cells[(i * 7) % cells.length]!),
  description: `${text} ${i}`,
});

it('answers 503 / UNAVAILABLE while the database is away, writes nothing of it, and serves again by itself when it returns', async () => {
  const config = testConfig(__filename, { MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}/` });
  intake = await startIntakeService(config, { logger: quietLogger() });
  const base = intake.httpAddress;
  const kafka = new Kafka({ clientId: 'db-loss-reader', brokers: testServers().kafkaBrokers, logLevel: logLevel.NOTHING });
  const accepted: { reportId: string; token: string }[] = [];
  const submit = async (i: number, text: string) => {
    const r = await http(base, '/v1/reports', { body: report(i, text) });
    if (r.status === 201) accepted.push(r.json());
    return r;
  };
  for (let i = 0; i < 3; i++) expect((await submit(i, 'before the loss')).status).toBe(201);

  // kill -9 of the database server; wait until its port is closed.
  process.kill(Number(readFileSync(join(state, 'ferretdb', 'ferretdb.pid'), 'utf8')), 'SIGKILL');
  await until(() => portClosed(mongoPort), 30_000, 'the killed FerretDB to release its port');
  const lostAt = Date.now();

  const notReady = await until(
    async () => {
      const r = await http(base, '/readyz');
      return r.status === 503 ? r : null;
    },
    30_000,
    '/readyz 503',
  );
  expect(notReady.json()).toMatchObject({ checks: { mongodb: { status: 'down' } } });
  console.log(`database lost: /readyz 503 after ${Date.now() - lostAt} ms`);

  for (let i = 3; i < 6; i++) {
    const t0 = Date.now();
    const r = await submit(i, 'while the database is away');
    console.log(`HTTP command while the database is away: ${r.status} after ${Date.now() - t0} ms`);
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ status: 503, code: 'UNAVAILABLE', detail: expect.stringMatching(/database is not reachable/) });
  }
  const camera = grpcClient(intake.grpcAddress, await tokenFor('cam-1', ['camera.operator']));
  try {
    const t0 = Date.now();
    const p = cellCentre(cells[11]!);
    await expect(
      rpc(camera, camera.submitReport, {
        categoryCode: 'event.01.02',
        location: { latitude: p.lat, longitude: p.lon },
        crs: 0,
        description: 'gRPC while the database is away',
        photoRefs: [],
        requestId: '',
      }),
    ).rejects.toMatchObject({ code: 14, details: expect.stringMatching(/database is not reachable/) });
    console.log(`gRPC command while the database is away: UNAVAILABLE after ${Date.now() - t0} ms`);
  } finally {
    camera.close();
  }

  // The same database server back on its data: the process recovers without a restart.
  const upAt = Date.now();
  await infra('up');
  await until(async () => (await http(base, '/readyz')).status === 200, 60_000, '/readyz 200 after the database returned');
  console.log(`database back: /readyz 200 ${Date.now() - upAt} ms after FerretDB was started again`);
  expect((await submit(6, 'after the loss')).status).toBe(201);
  for (let i = 7; i < 9; i++) expect((await submit(i, 'after the loss')).status).toBe(201);

  // Nothing of the refused commands was written: exactly the accepted reports' first commits are in the store.
  const stored = await intake.store.commits.countDocuments({});
  expect(stored).toBeGreaterThanOrEqual(accepted.length);
  const refusedTexts = await intake.store.commits.countDocuments({ 'events.data.description': /while the database is away/ });
  expect(refusedTexts).toBe(0);
  expect(accepted).toHaveLength(6);

  // The projector serves the new reports' status by token (it resumed after the outage).
  for (const a of accepted)
    await until(async () => (await http(base, `/v1/reports/${a.token}`)).status === 200, 60_000, `report ${a.reportId} by its token`);

  // Sequencer and relay resumed: every accepted report's received event is on Kafka, as one event (one id).
  // The relay publishes at least once: a batch the broker acknowledged but whose checkpoint the lost
  // database did not take is published again with the same event ids, which consumers drop.
  const consumer = kafka.consumer({ groupId: `${config.consumerGroup}.db-loss-reader` });
  await consumer.connect();
  const received = new Map<string, Set<string>>();
  let copies = 0;
  try {
    await subscribeWhenCreated(kafka, consumer, config.eventsTopic);
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (String(message.headers?.['ce_type'] ?? '') !== 'intake.report.received.v1') return;
        const key = message.key?.toString() ?? '';
        const ids = received.get(key) ?? new Set<string>();
        ids.add(String(message.headers?.['ce_id'] ?? ''));
        received.set(key, ids);
        copies += 1;
      },
    });
    await until(async () => accepted.every((a) => received.has(`report-${a.reportId}`)), 90_000, 'every accepted report on Kafka');
  } finally {
    await consumer.disconnect();
  }
  expect(accepted.map((a) => received.get(`report-${a.reportId}`)?.size)).toEqual(accepted.map(() => 1));
  expect(received.size).toBe(accepted.length);
  console.log(`on Kafka: ${accepted.length} reports received, ${copies - accepted.length} published again with the same event id`);
});
