// Parking: camera violations recorded per second (issue 13: ≥ 200/s, p99 < 500 ms), as a ratio to a
// raw insert on the same server in the same run, with the database round trips one violation costs.
//
// Subject: the parking service as a child process (services/parking/src/main.ts, as `npm start` runs
// it). The driver sends `RecordCameraSightings` batches over gRPC with the camera role at a fixed
// offered rate (open loop: every 250 ms a batch of rate/4 frames, each frame a different vehicle, so
// each frame is a new violation). A violation counts as recorded when its batch call returns (its
// event is committed); latency runs from the batch's scheduled start.
// Baseline, same process and server: a raw `insertOne` of a document the size of a violation event,
// 8 at a time (the ingest's own parallelism).
// Round trips: the child counts its MongoDB commands (bench/count-db-ops.ts) over its whole life —
// start, warm-up, every phase and the background work (sequencer, projection, relay, deadline scan)
// — divided by the violations it recorded.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { KafkajsBroker } from '@yiwang/kernel-kafka';
import { callUnary, createGrpcClient, signToken } from '@yiwang/platform';
import {
  ParkingServiceClient,
  type CameraSighting,
  type RecordCameraSightingsRequest,
  type RecordCameraSightingsResponse,
} from '@yiwang/proto/yiwang/parking/v1/parking_service';
import type { Servers } from '../infra/local/servers.mjs';
import { freePort, startService, waitReady } from './service-processes';
import { timed, type Run } from './stats';

const ROOT = join(__dirname, '..');
const TICK_MS = 250;

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Distinct valid plates (豫H + five digits from a counter): every frame a new vehicle. */
const plateOf = (n: number): string => `豫H${String(n % 100_000).padStart(5, '0')}`;

const CAMERAS = [
  { cameraId: 'CAM-JF-001', lat: 35.24, lon: 113.2 },
  { cameraId: 'CAM-JF-002', lat: 35.25, lon: 113.22 },
  { cameraId: 'CAM-SY-001', lat: 35.23, lon: 113.28 },
  { cameraId: 'CAM-SY-002', lat: 35.22, lon: 113.3 },
];

function frame(n: number, nowMs: number): CameraSighting {
  const cam = CAMERAS[n % CAMERAS.length]!;
  return {
    cameraId: cam.cameraId,
    plate: plateOf(n),
    vehicleType: 'small_car',
    // Spread over ~40 cells per camera, as a street's cameras see different kerbs.
    lat: cam.lat + ((n * 7) % 40) * 0.0002,
    lon: cam.lon + ((n * 13) % 40) * 0.0002,
    road: '',
    kind: 'no_parking_zone',
    observedAt: new Date(nowMs - 60_000).toISOString(),
    photoRef: `bench/${n}.jpg`,
  };
}

type Phase = { offered: number; violations: number; seconds: number; latenciesMs: number[]; errors: number; firstError: string };

export async function benchParking(servers: Servers, o: { rates: readonly number[]; seconds: number }): Promise<string> {
  const stamp = `${Date.now()}`;
  const logDir = join(ROOT, '.yiwang', 'bench', `parking-${stamp}`);
  const opsDir = join(logDir, 'db-ops');
  mkdirSync(opsDir, { recursive: true });
  const out: string[] = [`## Parking: camera violations recorded (${servers.mongoUri})`, ''];

  // Baseline: a raw insertOne of a violation-sized document, 8 at a time — before and after the
  // subject, since the load others put on a shared server changes within minutes.
  const client = await MongoClient.connect(servers.mongoUri);
  const rawDb = client.db(`bench_parking_raw_${stamp}`);
  const payload = {
    plateHash: 'a'.repeat(64),
    plateSealed: 'pd1.'.padEnd(120, 'x'),
    location: { cellId: 'P0140-0200', district: '解放区' },
  };
  let rawN = 0;
  const rawInserts = () =>
    timed('raw insertOne ×8', 600, 8, async () => {
      await rawDb.collection('raw').insertOne({ _id: `r-${rawN++}` as never, type: 'bench.violation.v1', data: payload, at: new Date() });
    });
  const baselines: Run[] = [await rawInserts()];

  const secret = randomBytes(24).toString('hex');
  const ports = { grpc: await freePort(), http: await freePort() };
  const env: Record<string, string> = {
    PARKING_HOST: '127.0.0.1',
    PARKING_GRPC_PORT: String(ports.grpc),
    PARKING_HTTP_PORT: String(ports.http),
    MONGODB_URI: servers.mongoUri,
    PARKING_DB: `bench_parking_${stamp}`,
    KAFKA_BROKERS: servers.kafkaBrokers,
    PARKING_EVENTS_TOPIC: `bench.parking.${stamp}`,
    DISPATCH_EVENTS_TOPIC: `bench.parking-dispatch.${stamp}`,
    PARKING_CONSUMER_GROUP: `bench.parking.${stamp}`,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    AUTH_JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
  };
  // The child counts its database commands only when BENCH_DB_OPS is set when it starts.
  const before = process.env['BENCH_DB_OPS'];
  process.env['BENCH_DB_OPS'] = opsDir;
  const parking = startService(ROOT, 'parking', env, logDir);
  if (before === undefined) delete process.env['BENCH_DB_OPS'];
  else process.env['BENCH_DB_OPS'] = before;

  const phases: Phase[] = [];
  let n = 0;
  let warmUp = 0;
  let lastId = '';
  let caughtUp = '';
  try {
    await waitReady(parking, `http://127.0.0.1:${ports.http}/readyz`);
    const token = await signToken({ subject: 'bench-cameras', department: 'system.parking', roles: ['parking.camera'] }, { secret });
    const camera = createGrpcClient(ParkingServiceClient, `127.0.0.1:${ports.grpc}`, { token, defaultDeadlineMs: 60_000 });
    const send = (frames: CameraSighting[]) =>
      callUnary<RecordCameraSightingsRequest, RecordCameraSightingsResponse>(camera.recordCameraSightings.bind(camera), {
        batchId: `B-${stamp}-${n}`,
        sightings: frames,
      });
    // Warm-up: connections, JIT, the first key documents.
    for (let i = 0; i < 3; i++) warmUp += (await send(Array.from({ length: 20 }, () => frame(n++, Date.now())))).violationIds.length;

    for (const rate of o.rates) {
      const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
      const ticks = Math.max(1, Math.round((o.seconds * 1000) / TICK_MS));
      const phase: Phase = { offered: rate, violations: 0, seconds: 0, latenciesMs: [], errors: 0, firstError: '' };
      const start = Date.now();
      let last = start;
      const calls: Promise<void>[] = [];
      for (let t = 0; t < ticks; t++) {
        const scheduled = start + t * TICK_MS;
        const wait = scheduled - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const frames = Array.from({ length: perTick }, () => frame(n++, scheduled));
        calls.push(
          send(frames).then(
            (r) => {
              const now = Date.now();
              last = Math.max(last, now);
              phase.violations += r.violationIds.length;
              lastId = r.violationIds[r.violationIds.length - 1] ?? lastId;
              for (let i = 0; i < r.violationIds.length; i++) phase.latenciesMs.push(now - scheduled);
            },
            (e: unknown) => {
              phase.errors++;
              phase.firstError ||= e instanceof Error ? e.message : String(e);
            },
          ),
        );
      }
      await Promise.all(calls);
      phase.seconds = (last - start) / 1000;
      phases.push(phase);
      // Stop climbing once a rate is not kept: the queue only grows from there.
      if (phase.errors > 0 || phase.violations / phase.seconds < 0.8 * rate) break;
    }
    camera.close();
    // The background work each violation costs (sequencer, projection, relay) is counted too:
    // wait until the read model has the last violation and the topic holds every event.
    const ended = Date.now();
    const recordedAll = warmUp + phases.reduce((sum, p) => sum + p.violations, 0);
    const reader = await signToken({ subject: 'bench-reader', department: 'centre.parking', roles: ['parking.plates'] }, { secret });
    const broker = new KafkajsBroker({ brokers: servers.kafkaBrokers.split(','), clientId: `bench-parking-${stamp}`, logLevel: 'nothing' });
    const admin = broker.admin();
    await admin.connect();
    try {
      for (;;) {
        const projected = (
          await fetch(`http://127.0.0.1:${ports.http}/v1/violations/${lastId}`, { headers: { authorization: `Bearer ${reader}` } })
        ).ok;
        const published = (await admin.fetchTopicOffsets(env['PARKING_EVENTS_TOPIC']!)).reduce((sum, p) => sum + Number(p.offset), 0);
        if (projected && published >= recordedAll) {
          caughtUp = `projection and relay caught up ${((Date.now() - ended) / 1000).toFixed(1)} s after the last call`;
          break;
        }
        if (Date.now() - ended > 180_000) {
          caughtUp = `projection ${projected ? 'caught up' : 'NOT caught up'}, ${published} of ${recordedAll} events published 180 s after the last call`;
          break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await admin.disconnect();
    }
  } finally {
    await parking.stop();
  }
  baselines.push(await rawInserts());
  await rawDb.dropDatabase().catch(() => undefined);
  await client.close();

  const rates = baselines.map((b) => b.ops / b.seconds);
  const rawRate = (rates[0]! + rates[1]!) / 2;
  out.push(
    `Baseline: raw \`insertOne\` ×8 ${rates[0]!.toFixed(0)} docs/s before, ${rates[1]!.toFixed(0)} after (ratios use the mean, ${rawRate.toFixed(0)}); p99 ${pct(baselines[0]!.latenciesMs, 99).toFixed(1)} / ${pct(baselines[1]!.latenciesMs, 99).toFixed(1)} ms.`,
    '',
    '| offered/s | violations | errors | recorded/s | ratio to raw insert | p50 ms | p99 ms |',
    '|---|---|---|---|---|---|---|',
  );
  for (const p of phases) {
    const rate = p.violations / p.seconds;
    out.push(
      `| ${p.offered} | ${p.violations} | ${p.errors} | ${rate.toFixed(0)} | ${(rate / rawRate).toFixed(2)}× | ${pct(p.latenciesMs, 50).toFixed(0)} | ${pct(p.latenciesMs, 99).toFixed(0)} |`,
    );
  }
  out.push('', caughtUp);
  const firstError = phases.find((p) => p.firstError)?.firstError;
  if (firstError) out.push('', `First error: ${firstError}`);

  // Round trips: every command the child sent, per violation it recorded (warm-up included).
  const files = readdirSync(opsDir).filter((f) => f.endsWith('.json'));
  const counts = new Map<string, number>();
  for (const f of files)
    for (const [k, v] of Object.entries(JSON.parse(readFileSync(join(opsDir, f), 'utf8')) as Record<string, { count: number }>))
      counts.set(k, (counts.get(k) ?? 0) + v.count);
  const recorded = warmUp + phases.reduce((s, p) => s + p.violations, 0);
  const total = [...counts.values()].reduce((s, c) => s + c, 0);
  out.push(
    '',
    `Database commands of the service over the run: ${total} for ${recorded} violations = **${(total / recorded).toFixed(1)} per violation**.`,
  );
  out.push('', '| command collection | per violation |', '|---|---|');
  for (const [k, c] of [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14)) out.push(`| ${k} | ${(c / recorded).toFixed(2)} |`);
  out.push('', `Logs: ${logDir}`, '');
  return out.join('\n');
}
