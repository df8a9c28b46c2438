// Issue #4's goal: reports per second sustained from HTTP intake to `dispatch.case.dispatched.v1`
// on Kafka, with p50/p95/p99, everything on this machine. Intake and dispatch run as child
// processes (their own event loops, as in production); this process offers Open311 POSTs at fixed
// rates (open loop), consumes both topics and matches each report to its CaseDispatched.
//
// The channel: an Open311 `api_key` mapped to the inspector channel. Inspectors' reports on the
// grid are filed at once (立案规则), so each POST reaches dispatch without a manual filing step.
// Every report has its own (category, grid cell) pair, so none is merged as a duplicate.
//
// Baseline, same rates, same servers, same process: per report one raw `insertOne` into MongoDB and
// one acks=all Kafka produce, consumed back — the least I/O a report could cost.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Servers } from '../infra/local/servers.mjs';
import { cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { loadCategories } from './chaos-fleet';
import { caseIdForReport } from '@yiwang/dispatch';
import { ms, openLoop, percentile, waitFor, type Sample } from './open-loop';
import { freePort, startService, waitReady, type ServiceProcess } from './service-processes';

export interface IntakeToDispatchOptions {
  /** Offered rates, reports per second, tried in order; stops after the first the system cannot keep up with. */
  readonly rates: readonly number[];
  /** Seconds per rate. */
  readonly seconds: number;
}

const ROOT = join(__dirname, '..');
const API_KEY = 'bench-inspector';
const DISPATCHED = 'dispatch.case.dispatched.v1';

/** Wall-clock instants (ms since epoch) seen for one report along the way. */
interface Trace {
  intakeCommit?: number; // recordedAt of intake.report.filed.v1
  intakeKafka?: number; // Kafka timestamp of that message (when the relay sent it)
  dispatchCommit?: number; // recordedAt of dispatch.case.dispatched.v1
  dispatchKafka?: number; // its Kafka timestamp
  arrived?: number; // when this process received it
}

/** Distinct (category, cell) pairs: no two reports are duplicates of each other. */
function reportSource() {
  const categories = loadCategories();
  const cells = [...shippedUnitGrid().cells.values()];
  let next = 0;
  return () => {
    const i = next++;
    if (i >= categories.length * cells.length) throw new Error('ran out of distinct (category, cell) pairs; lower the rates or seconds');
    const p = cellCentre(cells[Math.floor(i / categories.length)]!);
    return new URLSearchParams({
      api_key: API_KEY,
      service_code: categories[i % categories.length]!,
      lat: String(p.lat),
      long: String(p.lon),
      description: `bench ${i}`,
    }).toString();
  };
}

const header = (h: Record<string, unknown> | undefined, name: string): string | undefined => {
  const v = h?.[name];
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
};

interface PhaseResult {
  readonly rate: number;
  readonly offered: number;
  readonly ok: number;
  readonly errors: number;
  readonly completed: number;
  readonly achieved: number;
  readonly e2e: number[];
  readonly http: number[];
  readonly stages: Record<string, number[]>;
}

function summarise(
  rate: number,
  samples: readonly Sample[],
  done: (s: Sample) => number | undefined,
  stages: (s: Sample) => Record<string, number | undefined>,
): PhaseResult {
  const ok = samples.filter((s) => s.answeredAt !== null);
  const finished = ok.map((s) => ({ s, at: done(s) })).filter((x): x is { s: Sample; at: number } => x.at !== undefined);
  // Throughput = the rate completions came out (first to last), not offered / wall time: a short
  // phase's wall time is mostly the latency of its last report.
  const first = Math.min(...finished.map((x) => x.at));
  const last = Math.max(...finished.map((x) => x.at));
  const byStage: Record<string, number[]> = {};
  for (const { s } of finished) for (const [k, v] of Object.entries(stages(s))) if (v !== undefined) (byStage[k] ??= []).push(v);
  return {
    rate,
    offered: samples.length,
    ok: ok.length,
    errors: samples.length - ok.length,
    completed: finished.length,
    achieved: finished.length > 1 && last > first ? (finished.length - 1) / ((last - first) / 1000) : 0,
    e2e: finished.map((x) => x.at - x.s.scheduledAt),
    http: ok.map((s) => s.answeredAt! - s.scheduledAt),
    stages: byStage,
  };
}

export async function benchIntakeToDispatch(servers: Servers, options: IntakeToDispatchOptions): Promise<string> {
  const brokers = servers.kafkaBrokers.split(',');
  const stamp = `${Date.now()}`;
  const logDir = join(ROOT, '.yiwang', 'bench', stamp);
  mkdirSync(logDir, { recursive: true });
  const topics = { intake: `bench.intake.${stamp}`, dispatch: `bench.dispatch.${stamp}`, baseline: `bench.baseline.${stamp}` };
  const kafka = new Kafka({ brokers, clientId: 'bench-i2d', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Same shape as the services' own topics (6 partitions); the services find them existing.
  await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 6 })) });
  await admin.disconnect();

  const ports = { ih: await freePort(), ig: await freePort(), dh: await freePort(), dg: await freePort() };
  const common = {
    KAFKA_BROKERS: servers.kafkaBrokers,
    MONGODB_URI: servers.mongoUri,
    AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    INTAKE_TOPIC: topics.intake,
    DISPATCH_TOPIC: topics.dispatch,
  };
  const intakeEnv = {
    ...common,
    INTAKE_DB: `bench_i2d_intake_${stamp}`,
    INTAKE_HOST: '127.0.0.1',
    INTAKE_HTTP_PORT: String(ports.ih),
    INTAKE_GRPC_PORT: String(ports.ig),
    INTAKE_EVENTS_TOPIC: topics.intake,
    DISPATCH_EVENTS_TOPIC: topics.dispatch,
    INTAKE_CONSUMER_GROUP: `bench.intake.${stamp}`,
    OPEN311_API_KEYS: `${API_KEY}=inspector`,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
  };
  const dispatchEnv = {
    ...common,
    DISPATCH_DB: `bench_i2d_dispatch_${stamp}`,
    BIND_HOST: '127.0.0.1',
    HTTP_PORT: String(ports.dh),
    GRPC_PORT: String(ports.dg),
    DISPATCH_CONSUMER_GROUP: `bench.dispatch.${stamp}`,
  };

  const traces = new Map<string, Trace>(); // by report id
  const caseToReport = new Map<string, string>();
  const baselineArrivals = new Map<string, number>();
  const trace = (reportId: string): Trace => {
    let t = traces.get(reportId);
    if (!t) traces.set(reportId, (t = {}));
    return t;
  };
  const consumer: Consumer = kafka.consumer({ groupId: `bench.i2d.${stamp}`, maxWaitTimeInMs: 20 });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const mongo = await MongoClient.connect(servers.mongoUri);
  const services: ServiceProcess[] = [];
  const out: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const arrived = Date.now();
        for (const m of batch.messages) {
          if (batch.topic === topics.baseline) {
            baselineArrivals.set(m.key!.toString(), performance.now());
            continue;
          }
          const type = header(m.headers, 'ce_type');
          const subject = header(m.headers, 'ce_subject') ?? '';
          const recordedAt = Date.parse(header(m.headers, 'ce_recordedat') ?? '');
          if (batch.topic === topics.intake && type === 'intake.report.filed.v1') {
            const t = trace(subject.replace(/^report-/, ''));
            t.intakeCommit = recordedAt;
            t.intakeKafka = Number(m.timestamp);
          } else if (batch.topic === topics.dispatch && type === DISPATCHED) {
            const t = trace(caseToReport.get(subject.replace(/^case-/, '')) ?? subject);
            t.dispatchCommit = recordedAt;
            t.dispatchKafka = Number(m.timestamp);
            t.arrived = arrived;
          }
        }
      },
    });
    await producer.connect();

    services.push(startService(ROOT, 'intake', intakeEnv, logDir), startService(ROOT, 'dispatch', dispatchEnv, logDir));
    await waitReady(services[0]!, `http://127.0.0.1:${ports.ih}/readyz`);
    await waitReady(services[1]!, `http://127.0.0.1:${ports.dh}/readyz`);

    const nextReport = reportSource();
    const post = async (): Promise<string> => {
      const res = await fetch(`http://127.0.0.1:${ports.ih}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: nextReport(),
      });
      const body = (await res.json()) as Array<{ service_request_id?: string }> | unknown;
      const id = Array.isArray(body) ? (body[0] as { service_request_id?: string } | undefined)?.service_request_id : undefined;
      if (res.status !== 200 || !id) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      caseToReport.set(caseIdForReport(id), id);
      return id;
    };
    // Warm-up: connections, JIT, the consumer groups' first fetches; not measured.
    await openLoop(10, 1, post);
    await waitFor(() => [...traces.values()].filter((t) => t.arrived !== undefined).length >= 10, 60_000);

    const baseDb = mongo.db(`bench_i2d_baseline_${stamp}`).collection<{ _id: string; body: string }>('reports');
    let b = 0;
    const raw = async (): Promise<string> => {
      const key = `b-${b++}`;
      await baseDb.insertOne({ _id: key, body: nextReport() });
      await producer.send({ topic: topics.baseline, acks: -1, messages: [{ key, value: key }] });
      return key;
    };

    const rows: string[] = [];
    const stageRows: string[] = [];
    const wall = (perf: number): number => performance.timeOrigin + perf;
    const drainMs = Math.max(15_000, options.seconds * 3_000);
    for (const rate of options.rates) {
      const baseSamples = await openLoop(rate, options.seconds, raw);
      await waitFor(() => baseSamples.every((s) => s.key === null || baselineArrivals.has(s.key)), drainMs);
      const base = summarise(
        rate,
        baseSamples,
        (s) => (s.key ? baselineArrivals.get(s.key) : undefined),
        () => ({}),
      );

      const samples = await openLoop(rate, options.seconds, post);
      await waitFor(() => samples.every((s) => s.key === null || traces.get(s.key)?.arrived !== undefined), drainMs);
      const sys = summarise(
        rate,
        samples,
        (s) => {
          const arrived = s.key ? traces.get(s.key)?.arrived : undefined;
          return arrived === undefined ? undefined : arrived - performance.timeOrigin;
        },
        (s) => {
          const t = traces.get(s.key!)!;
          const d = (a?: number, z?: number) =>
            a === undefined || z === undefined || Number.isNaN(a) || Number.isNaN(z) ? undefined : z - a;
          return {
            'POST → intake commit': d(wall(s.scheduledAt), t.intakeCommit),
            'intake commit → on Kafka (sequencer + relay)': d(t.intakeCommit, t.intakeKafka),
            'on Kafka → dispatch commit (consumer + case append)': d(t.intakeKafka, t.dispatchCommit),
            'dispatch commit → on Kafka (sequencer + relay)': d(t.dispatchCommit, t.dispatchKafka),
            'on Kafka → bench consumer': d(t.dispatchKafka, t.arrived),
          };
        },
      );
      rows.push(
        `| ${rate} | ${sys.offered} | ${sys.errors} | ${sys.offered - sys.errors - sys.completed} | ${sys.achieved.toFixed(1)} | ${ms(percentile(sys.http, 50))} / ${ms(percentile(sys.http, 99))} | ${ms(percentile(sys.e2e, 50))} | ${ms(percentile(sys.e2e, 95))} | ${ms(percentile(sys.e2e, 99))} | ${ms(percentile(base.e2e, 50))} / ${ms(percentile(base.e2e, 99))} | ${(percentile(sys.e2e, 99) / percentile(base.e2e, 99)).toFixed(1)}× |`,
      );
      for (const [stage, xs] of Object.entries(sys.stages))
        stageRows.push(`| ${rate} | ${stage} | ${ms(percentile(xs, 50))} | ${ms(percentile(xs, 99))} |`);
      const kept = sys.completed === sys.offered && sys.achieved >= rate * 0.8;
      if (!kept) {
        rows.push(
          `\nStopped at ${rate}/s: ${sys.offered - sys.completed} of ${sys.offered} reports had no CaseDispatched within ${drainMs / 1000} s after the phase, or completions came out slower than 80 % of the offered rate.`,
        );
        break;
      }
    }
    // The services' own metrics (handler durations, relay backlog, …) beside the logs, for digging.
    for (const [name, port] of [
      ['intake', ports.ih],
      ['dispatch', ports.dh],
    ] as const) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text().catch(() => '');
      writeFileSync(join(logDir, `${name}.metrics.txt`), text);
    }
    out.push(
      `## Intake → dispatch: HTTP POST to CaseDispatched on Kafka (${options.seconds} s per rate)`,
      '',
      "Open loop (latency from each request's *scheduled* start). Intake and dispatch as child processes; baseline = raw insertOne + acks=all produce, consumed back, at the same rate.",
      '',
      '| offered/s | reports | HTTP errors | not dispatched | achieved/s | HTTP p50 / p99 ms | e2e p50 ms | e2e p95 ms | e2e p99 ms | baseline p50 / p99 ms | p99 ratio |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      '### Where the time goes (per report, ms)',
      '| offered/s | stage | p50 | p99 |',
      '|---|---|---|---|',
      ...stageRows,
      '',
      `Service logs: ${logDir}`,
      '',
    );
    return out.join('\n');
  } finally {
    for (const s of services.reverse()) await s.stop();
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await mongo.close();
  }
}
