// Heating monitoring ingest (issue 14): readings/s through heating's HTTP `POST /v1/readings` (the
// service in this process, the jiaozuo city's 2,000 monitoring points, each batch = every point's
// reading of one 10-minute round), against a raw `insertMany` of the same readings (one document
// per reading, same batches, same concurrency, same server) in the same run. Also: MongoDB
// commands per batch (all of the service's, background work included) and how long after its
// batch was sent a finding's complaint exists (the finding reaction, off the request path).
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { signToken } from '@yiwang/platform';
import { loadHeatingConfig, shippedCityConfig, startHeatingService, complaintStreamId } from '@yiwang/heating';
import type { Servers } from '../infra/local/servers.mjs';
import { report, timed } from './stats';

const SECRET = 'bench-heating-secret-at-least-32-characters';
const ROUND_MS = 10 * 60_000;
const START_MS = Date.parse('2026-12-01T00:00:00+08:00');

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Counts every MongoDB command of clients connected from now on (the service's own included). */
function countCommands(): { total: () => number; by: () => Map<string, number>; reset: () => void } {
  const by = new Map<string, number>();
  const connect = MongoClient.prototype.connect;
  MongoClient.prototype.connect = function (this: MongoClient) {
    (this as unknown as { monitorCommands: boolean }).monitorCommands = true;
    this.on('commandStarted', (e: CommandStartedEvent) => {
      const target = e.command[e.commandName];
      const key = `${e.commandName} ${typeof target === 'string' ? target : ''}`.trim();
      by.set(key, (by.get(key) ?? 0) + 1);
    });
    return connect.call(this) as Promise<MongoClient>;
  } as typeof connect;
  return { total: () => [...by.values()].reduce((a, b) => a + b, 0), by: () => new Map(by), reset: () => by.clear() };
}

export async function benchHeatingIngest(servers: Servers, options: { rounds: number; concurrency?: number }): Promise<string> {
  const rounds = Math.max(20, options.rounds); // ≥ 3 h 20 min of readings: the cold points raise their findings
  const concurrency = options.concurrency ?? 2;
  const city = shippedCityConfig('jiaozuo');
  const points = [...city.compounds.values()].flatMap((c) => Array.from({ length: c.monitoringPoints }, (_, i) => `${c.id}-mp${i + 1}`));
  // One point in two hundred is cold (16.5 ℃) from the first round on; the rest are warm.
  const cold = new Set(points.filter((_, i) => i % 200 === 7));
  const batch = (round: number) =>
    points.map((pointId) => ({
      pointId,
      at: new Date(START_MS + round * ROUND_MS).toISOString(),
      celsius: cold.has(pointId) ? 16.5 : 19 + ((round + pointId.length) % 5) / 10,
    }));
  const batches = Array.from({ length: rounds }, (_, r) => batch(r));
  const readings = rounds * points.length;

  const client = await MongoClient.connect(servers.mongoUri);
  const stamp = Date.now().toString(36);
  const rawDb = client.db(`bench_heating_raw_${stamp}`);
  const commands = countCommands();
  let simNow = START_MS;
  const heating = await startHeatingService(
    loadHeatingConfig({
      BIND_HOST: '127.0.0.1',
      HEATING_GRPC_PORT: '0',
      HEATING_HTTP_PORT: '0',
      MONGODB_URI: servers.mongoUri,
      HEATING_DB: `bench_heating_${stamp}`,
      KAFKA_BROKERS: servers.kafkaBrokers,
      HEATING_TOPIC: `yiwang.bench_${stamp}_heating.events.v1`,
      AUTH_JWT_SECRET: SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    }),
    { clock: { now: () => new Date(simNow) } },
  );
  try {
    const token = await signToken({ subject: 'gw-bench', department: 'system.monitoring', roles: ['heating.gateway'] }, { secret: SECRET });
    console.error(`heating ingest bench: ${rounds} batches of ${points.length} readings, ${concurrency} at a time …`);
    const baseline = await timed('raw insertMany (one document per reading)', rounds, concurrency, async (i) => {
      await rawDb.collection('readings').insertMany(
        batches[i]!.map((r) => ({ ...r })),
        { ordered: false },
      );
    });
    const sentAt = new Map<string, number>();
    const loadBefore = loadavg()[0]!;
    commands.reset();
    const subject = await timed('heating POST /v1/readings', rounds, concurrency, async (i) => {
      simNow = Math.max(simNow, START_MS + i * ROUND_MS + 60_000);
      const t0 = performance.now();
      const res = await fetch(`${heating.httpAddress}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ readings: batches[i] }),
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { findingsRaised: string[] };
      for (const f of body.findingsRaised) sentAt.set(f, t0);
    });
    const loadAfter = loadavg()[0]!;
    const perBatch = commands.total() / rounds;
    const ingestPath = [...commands.by()]
      .filter(([k]) => /reading_batches|point_track_shards/.test(k))
      .map(([k, n]) => `${k} ${(n / rounds).toFixed(2)}`)
      .join(', ');
    // The finding's complaint is opened by the reaction to `finding_raised`: wait for each.
    const complaintMs: number[] = [];
    await Promise.all(
      [...sentAt].map(async ([findingId, t0]) => {
        for (;;) {
          const { events } = await heating.store.readStream(complaintStreamId(`MON-${findingId}`));
          if (events.length > 0) return complaintMs.push(performance.now() - t0);
          if (performance.now() - t0 > 300_000) throw new Error(`no complaint for finding ${findingId}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    const rate = (r: { ops: number; seconds: number }) => (r.ops * points.length) / r.seconds;
    return [
      report(`Heating readings ingest (${rounds} batches × ${points.length} readings, ${concurrency} in flight)`, baseline, subject),
      '',
      `| readings/s baseline | readings/s heating | ratio | DB commands per batch (all) | on the ingest path per batch | findings | complaint after its batch was sent p50 / p99 ms |`,
      `|---|---|---|---|---|---|---|`,
      `| ${rate(baseline).toFixed(0)} | ${rate(subject).toFixed(0)} | ${(rate(subject) / rate(baseline)).toFixed(2)}× | ${perBatch.toFixed(1)} | ${ingestPath} | ${sentAt.size} of ${cold.size} cold points | ${pct(complaintMs, 50).toFixed(0)} / ${pct(complaintMs, 99).toFixed(0)} |`,
      '',
      `(${readings} readings in each run; slowest batch ${Math.max(...subject.latenciesMs).toFixed(0)} ms; 1-minute load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on this machine's ${availableParallelism()} cores over the heating run.)`,
    ].join('\n');
  } finally {
    await heating.stop();
    const scratch = await MongoClient.connect(servers.mongoUri);
    await scratch.db(`bench_heating_${stamp}`).dropDatabase();
    await rawDb.dropDatabase();
    await scratch.close();
    await client.close();
  }
}
