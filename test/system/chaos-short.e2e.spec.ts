// The short fault run of CI (the full one is `npm run chaos`): intake, dispatch and parking run as
// child processes, as a deployment runs them, under load — Open311 reports into intake (filed, so
// dispatch opens and dispatches a case for each) and camera batches into parking over gRPC. One
// service of each class is killed with kill -9 and relaunched at once: the edge that takes citizens'
// reports (intake), the consumer that turns another service's events into its own (dispatch), a line
// of work taking gRPC commands (parking). Each relaunch must serve again, and at the end nothing
// accepted is lost or doubled: every accepted report has one case at dispatch, and on Kafka one
// received report, one dispatched case and one recorded violation per accepted command. The times are
// printed, never asserted.
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { caseIdForReport } from '@yiwang/dispatch';
import { cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { callUnary, createGrpcClient, signToken } from '@yiwang/platform';
import {
  ParkingServiceClient,
  type RecordCameraSightingsRequest,
  type RecordCameraSightingsResponse,
} from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { testServers } from '@yiwang/testing';
import {
  answers,
  loadCategories,
  loopFacts,
  planFleet,
  tallyUntil,
  untilEach,
  within,
  type Fleet,
  type FleetService,
} from '../../bench/chaos-fleet';

const ROOT = resolve(__dirname, '..', '..');
jest.setTimeout(600_000);

const stamp = `short${Date.now()}`;
const logDir = join(ROOT, '.yiwang', `chaos-${stamp}`, 'logs');
const secret = randomBytes(24).toString('hex');
const API_KEY = 'chaos-short-inspector';
const children = new Map<FleetService, ChildProcess>();
let fleet: Fleet;
let passed = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

beforeAll(async () => {
  const { kafkaBrokers, mongoUri } = testServers();
  fleet = await planFleet(
    {
      root: ROOT,
      stamp,
      brokers: kafkaBrokers.join(','),
      mongoUri,
      secret,
      piiKey: randomBytes(32).toString('base64'),
      logDir,
      // What CI has without a build: the TypeScript through tsx.
      fromSource: true,
      open311Key: API_KEY,
    },
    ['intake', 'dispatch', 'parking'],
  );
  for (const s of fleet.services) children.set(s, fleet.spawn(s));
  for (const s of fleet.services)
    if ((await within(() => answers(fleet.readyz[s]), 180_000)) === undefined) throw new Error(`${s} not ready; see ${logDir}`);
});

afterAll(async () => {
  for (const c of children.values()) {
    c.kill('SIGTERM');
    await Promise.race([exited(c), sleep(20_000)]);
    c.kill('SIGKILL');
  }
  const client = await MongoClient.connect(testServers().mongoUri);
  for (const s of fleet?.services ?? [])
    await client
      .db(fleet.databases[s])
      .dropDatabase()
      .catch(() => undefined);
  await client.close();
  // The services' logs stay when the run failed.
  if (passed) rmSync(join(ROOT, '.yiwang', `chaos-${stamp}`), { recursive: true, force: true });
  else console.log(`logs kept in ${logDir}`);
});

it('kill -9 of intake, dispatch and parking under load: each relaunch serves again, nothing accepted is lost or doubled', async () => {
  const categories = loadCategories();
  const cells = [...shippedUnitGrid().cells.values()];
  const reader = await signToken({ subject: 'chaos', department: 'centre.command', roles: ['centre.command'] }, { secret });
  const cameraToken = await signToken({ subject: 'chaos-cameras', department: 'system.parking', roles: ['parking.camera'] }, { secret });
  const camera = createGrpcClient(ParkingServiceClient, fleet.grpc.parking, { token: cameraToken, defaultDeadlineMs: 20_000 });

  const reports: { at: number; id?: string; error?: string }[] = [];
  const violations: { at: number; ids?: readonly string[]; error?: string }[] = [];
  // Every report its own (category, cell), so none is merged as a duplicate of another.
  const report = async (i: number) => {
    const at = Date.now();
    const p = cellCentre(cells[Math.floor(i / categories.length) % cells.length]!);
    try {
      const res = await fetch(`${fleet.http.intake}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          api_key: API_KEY,
          service_code: categories[i % categories.length]!,
          lat: String(p.lat),
          long: String(p.lon),
          description: `chaos ${stamp} ${i}`,
        }).toString(),
        signal: AbortSignal.timeout(20_000),
      });
      const id = ((await res.json().catch(() => null)) as Array<{ service_request_id?: string }> | null)?.[0]?.service_request_id;
      reports.push(res.status === 200 && id ? { at, id } : { at, error: `HTTP ${res.status}` });
    } catch (e) {
      reports.push({ at, error: e instanceof Error ? e.name : String(e) });
    }
  };
  // Each frame a vehicle of its own, so each is a new violation.
  const batch = async (i: number) => {
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
      violations.push({ at, ids: r.violationIds });
    } catch (e) {
      violations.push({ at, error: e instanceof Error ? e.message.slice(0, 60) : String(e) });
    }
  };
  let loading = true;
  const inflight: Promise<void>[] = [];
  const load = (async () => {
    for (let i = 0; loading; i++) {
      // Gentle on purpose (a report every 2 s, a camera batch every 4 s): CI machines are small and shared.
      inflight.push(report(i));
      if (i % 2 === 0) inflight.push(batch(i / 2));
      await sleep(2000);
    }
    await Promise.all(inflight);
  })();

  const caseReadable = async (reportId: string) => {
    try {
      const r = await fetch(`${fleet.http.dispatch}/v1/cases/${caseIdForReport(reportId)}`, {
        headers: { authorization: `Bearer ${reader}` },
        signal: AbortSignal.timeout(10_000),
      });
      return r.ok;
    } catch {
      return false;
    }
  };
  /** After a relaunch: a command to the service accepted (for dispatch: a case opened from a report accepted after the kill). */
  const serves: Record<'intake' | 'dispatch' | 'parking', (since: number) => Promise<boolean>> = {
    intake: async (since) => reports.some((r) => r.at > since && r.id),
    dispatch: async (since) => {
      const first = reports.find((r) => r.at > since && r.id);
      return first?.id ? caseReadable(first.id) : false;
    },
    parking: async (since) => violations.some((v) => v.at > since && v.ids && v.ids.length > 0),
  };

  const lines: string[] = [];
  await sleep(3_000);
  for (const name of ['intake', 'dispatch', 'parking'] as const) {
    const child = children.get(name)!;
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited(child);
    children.set(name, fleet.spawn(name));
    const ready = await within(() => answers(fleet.readyz[name]), 120_000);
    const served = await within(() => serves[name](killedAt), 120_000);
    lines.push(
      `kill -9 ${name}, relaunched at once: ready after ${ready === undefined ? 'never' : `${(ready / 1000).toFixed(1)} s`}, ` +
        `a request served ${served === undefined ? 'never' : `${((Date.now() - killedAt) / 1000).toFixed(1)} s`} after the kill`,
    );
    expect(ready).toBeDefined();
    expect(served).toBeDefined();
  }
  loading = false;
  await load;
  camera.close();

  const accepted = reports.filter((r) => r.id).map((r) => r.id!);
  const recorded = violations.flatMap((v) => v.ids ?? []);
  // Every accepted report reaches dispatch (the consumers catch up after the kills).
  const missing = await untilEach(accepted, caseReadable, 240_000);
  const tally = await tallyUntil(
    fleet.env.intake['KAFKA_BROKERS']!,
    [fleet.topics.intake, fleet.topics.dispatch, fleet.topics.parking],
    `chaos.${stamp}.check`,
    (t) => {
      const facts = loopFacts(t, accepted, recorded);
      return facts.violations.missing === 0 && facts.dispatched.missing === 0;
    },
  );
  const { received, dispatched, violations: violationsOnce } = loopFacts(tally, accepted, recorded);
  console.log(
    [
      ...lines,
      `reports: ${reports.length} sent, ${accepted.length} accepted, ${reports.length - accepted.length} refused or failed while intake was down`,
      `camera batches: ${violations.length} sent, ${violations.filter((v) => v.ids).length} accepted (${recorded.length} violations)`,
      `cases missing at dispatch: ${missing.length}; Kafka received once ${received.once}, dispatched once ${dispatched.once}, ` +
        `violations once ${violationsOnce.once}; doubled ${received.doubled + dispatched.doubled + violationsOnce.doubled}; ` +
        `copies of one event id ${received.copies + dispatched.copies + violationsOnce.copies}`,
    ].join('\n'),
  );
  expect(accepted.length).toBeGreaterThan(0);
  expect(recorded.length).toBeGreaterThan(0);
  expect(missing).toEqual([]);
  expect(received).toMatchObject({ once: accepted.length, missing: 0, doubled: 0 });
  expect(dispatched).toMatchObject({ once: accepted.length, missing: 0, doubled: 0 });
  expect(violationsOnce).toMatchObject({ once: recorded.length, missing: 0, doubled: 0 });
  passed = true;
});
