// `npm run replicas`: two processes of every service on one machine, on the same database and
// consumer group (as two pods of a deployment would run), on the shared Kafka and FerretDB under
// names of the run's own: intake and dispatch together under Open311 load, then each other service's
// pair in turn (a 2-core machine runs four processes at a time well, fourteen badly). It checks, and prints:
//  - both replicas of each service answer /readyz and intake's both take Open311 reports;
//  - each singleton job (sequencer, relay, projectors, deadline scans: the `lease:*` components of
//    /readyz) is active in exactly one replica, and consumer groups split their partitions;
//  - `kill -9` of the active replica of each service in turn hands its jobs to the other: the time
//    until the survivor shows the sequencer lease up is the hand-over time; the killed one is
//    relaunched and joins as a stand-by;
//  - at the end, every accepted report is once on intake's topic and has its dispatched case once on
//    dispatch's (nothing lost, nothing doubled across the hand-overs).
//   REPLICAS_RATE (reports/s, default 1)   REPLICAS_COMPILED=1 (run dist/ instead of tsx)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { answers, loadCategories, loopFacts, lowPort, planFleet, tallyTopics, within, type Fleet, type FleetService } from './chaos-fleet';

const ROOT = join(__dirname, '..');
const RATE = Number(process.env['REPLICAS_RATE'] ?? 1);
const API_KEY = 'replicas-inspector';
const SERVICES = ['intake', 'dispatch', 'integration', 'enforcement', 'parking', 'heating', 'sanitation'] as const;
type Service = (typeof SERVICES)[number];
const stamp = `${Date.now()}`;
const logDir = join(ROOT, '.yiwang', `replicas-${stamp}`, 'logs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

interface Replica {
  readonly service: Service;
  readonly label: 'a' | 'b';
  readonly http: string;
  readonly env: Readonly<Record<string, string>>;
  child: ChildProcess;
}

interface Components {
  readonly [name: string]: { readonly state: string; readonly figures?: Readonly<Record<string, number>> };
}

/** Replica b: the same environment with ports of its own (every `*_PORT` of a service is one of its listeners). */
async function secondEnv(fleet: Fleet, service: Service, taken: Set<number>): Promise<Record<string, string>> {
  const env = { ...fleet.env[service] };
  for (const key of Object.keys(env)) if (key.endsWith('_PORT')) env[key] = String(await lowPort(taken));
  return env;
}

function httpOf(env: Readonly<Record<string, string>>): string {
  const key = Object.keys(env).find((k) => /(^|_)HTTP_PORT$/.test(k));
  if (!key) throw new Error('no HTTP port in the environment');
  return `http://127.0.0.1:${env[key]}`;
}

function launch(fleet: Fleet, r: Omit<Replica, 'child'>): ChildProcess {
  const entry = fleet.fromSource
    ? ['--import', 'tsx', join(ROOT, 'services', r.service, 'src', 'main.ts')]
    : ['--enable-source-maps', join(ROOT, 'services', r.service, 'dist', 'main.js')];
  const fd = openSync(join(logDir, `${r.service}-${r.label}.log`), 'a');
  const child = spawn(process.execPath, entry, { cwd: ROOT, env: { ...process.env, ...r.env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

async function components(r: Replica): Promise<Components> {
  try {
    const res = await fetch(`${r.http}/readyz`, { signal: AbortSignal.timeout(3000) });
    return ((await res.json()) as { components?: Components }).components ?? {};
  } catch {
    return {};
  }
}

/** Per `lease:*` name: which replicas show it up. */
async function activeJobs(pair: readonly Replica[]): Promise<Map<string, string[]>> {
  const active = new Map<string, string[]>();
  for (const r of pair)
    for (const [name, c] of Object.entries(await components(r)))
      if (name.startsWith('lease:')) active.set(name, [...(active.get(name) ?? []), ...(c.state === 'up' ? [r.label] : [])]);
  return active;
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(logDir, { recursive: true });
  const secret = randomBytes(24).toString('hex');
  const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092';
  const fleet = await planFleet(
    {
      root: ROOT,
      stamp,
      brokers,
      mongoUri: process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27018/',
      secret,
      piiKey: randomBytes(32).toString('base64'),
      logDir,
      fromSource: process.env['REPLICAS_COMPILED'] !== '1',
      open311Key: API_KEY,
    },
    SERVICES as unknown as FleetService[],
  );
  const taken = new Set<number>();
  const replicas = new Map<Service, Replica[]>();
  const running: ChildProcess[] = [];
  const startPair = async (service: Service): Promise<Replica[]> => {
    const a = { service, label: 'a' as const, env: fleet.env[service], http: fleet.http[service] };
    const bEnv = await secondEnv(fleet, service, taken);
    const b = { service, label: 'b' as const, env: bEnv, http: httpOf(bEnv) };
    const pair: Replica[] = [
      { ...a, child: launch(fleet, a) },
      { ...b, child: launch(fleet, b) },
    ];
    replicas.set(service, pair);
    for (const r of pair)
      if ((await within(() => answers(`${r.http}/readyz`), 240_000)) === undefined)
        throw new Error(`${r.service} ${r.label} not ready; see ${logDir}`);
    return pair;
  };
  const stopPair = async (service: Service): Promise<void> => {
    await Promise.all(
      (replicas.get(service) ?? []).map(
        (r) =>
          new Promise<void>((done) => {
            if (r.child.exitCode !== null || r.child.signalCode !== null) return done();
            r.child.once('exit', () => done());
            r.child.kill('SIGTERM');
          }),
      ),
    );
  };
  const stopAll = () => {
    for (const r of [...replicas.values()].flat()) r.child.kill('SIGTERM');
    for (const c of running) c.kill('SIGTERM');
  };
  process.once('SIGINT', () => (stopAll(), process.exit(130)));

  const perService: string[] = [];
  const handovers: string[] = [];
  /** Jobs and partitions of a running pair, then kill -9 of the replica running the sequencer. */
  const exercise = async (service: Service): Promise<void> => {
    const pair = replicas.get(service)!;
    // The stand-by tries every half lease: give both a moment to show their jobs.
    await sleep(8_000);
    const jobs = await activeJobs(pair);
    const doubled = [...jobs].filter(([, up]) => up.length > 1).map(([n]) => n);
    const idle = [...jobs].filter(([, up]) => up.length === 0).map(([n]) => n);
    const consumerUp = async (r: Replica) =>
      Object.entries(await components(r)).some(([n, c]) => n.startsWith('consumer:') && c.state === 'up');
    await within(async () => (await Promise.all(pair.map(consumerUp))).every(Boolean), 30_000);
    const parts = await Promise.all(
      pair.map(async (r) => {
        const c = Object.entries(await components(r)).find(([n]) => n.startsWith('consumer:'));
        return c ? `${r.label}: ${c[1].figures?.['partitions'] ?? '?'}` : `${r.label}: -`;
      }),
    );
    perService.push(
      `| ${service} | ${jobs.size} | ${doubled.length === 0 ? 'yes' : `no (${doubled.join(', ')})`} | ${idle.length === 0 ? 'all' : `none yet: ${idle.join(', ')}`} | ${parts.join(', ')} |`,
    );
    const sequencer = [...jobs.keys()].find((n) => n.startsWith('lease:sequencer')) ?? [...jobs.keys()][0] ?? '';
    const active = pair.find((r) => jobs.get(sequencer)?.includes(r.label)) ?? pair[0]!;
    const survivor = pair.find((r) => r !== active)!;
    const killedAt = Date.now();
    active.child.kill('SIGKILL');
    const tookMs = await within(async () => (await components(survivor))[sequencer]?.state === 'up', 90_000);
    const relaunchAt = Date.now();
    active.child = launch(fleet, active);
    const backMs = await within(() => answers(`${active.http}/readyz`), 240_000);
    handovers.push(
      `| ${service} | ${active.label} | ${sequencer || '-'} | ${secs(tookMs)} | ${secs(backMs === undefined ? undefined : relaunchAt - killedAt + backMs)} |`,
    );
    console.log(`  ${service}: killed ${active.label}; ${sequencer} taken over by ${survivor.label} after ${secs(tookMs)}`);
  };

  try {
    // The loop first, under load on both intake replicas (alternating), with distinct
    // (category, cell) pairs so nothing merges as a duplicate.
    await startPair('intake');
    await startPair('dispatch');
    console.log(
      `intake and dispatch, two replicas each, ready after ${secs(Date.now() - started)} (${fleet.fromSource ? 'tsx' : 'compiled'})`,
    );
    const categories = loadCategories();
    const cells = [...shippedUnitGrid().cells.values()];
    const accepted: string[] = [];
    let refused = 0;
    let failedOver = 0;
    let sent = 0;
    const intakes = replicas.get('intake')!;
    // Like a load balancer in front of the pair: alternate, and send to the other replica when one
    // does not answer (a killed one is out until its relaunch listens again).
    const post = (target: Replica, body: URLSearchParams) =>
      fetch(`${target.http}/open311/v2/requests.json`, { method: 'POST', body, signal: AbortSignal.timeout(30_000) });
    const report = async (i: number): Promise<void> => {
      const p = cellCentre(cells[Math.floor(i / categories.length) % cells.length]!);
      const body = new URLSearchParams({
        api_key: API_KEY,
        service_code: categories[i % categories.length]!,
        lat: String(p.lat),
        long: String(p.lon),
        description: `replicas ${stamp} ${i}`,
      });
      try {
        const res = await post(intakes[i % 2]!, body).catch(() => {
          failedOver++;
          return post(intakes[(i + 1) % 2]!, body);
        });
        const id = ((await res.json().catch(() => null)) as Array<{ service_request_id?: string }> | null)?.[0]?.service_request_id;
        if (res.status === 200 && id) accepted.push(id);
        else refused++;
      } catch {
        refused++;
      }
    };
    let loading = true;
    const load = (async () => {
      const t0 = Date.now();
      while (loading) {
        void report(sent++);
        await sleep(Math.max(0, t0 + (sent * 1000) / RATE - Date.now()));
      }
    })();
    await exercise('intake');
    await exercise('dispatch');
    await sleep(5_000);
    loading = false;
    await load;

    // Nothing lost, nothing doubled: every accepted report once on intake's topic, its case once on dispatch's.
    const check = async () => {
      const tally = await tallyTopics(brokers, [fleet.topics.intake, fleet.topics.dispatch], `replicas.check.${stamp}.${Date.now()}`);
      return loopFacts(tally, accepted);
    };
    let counts = await check();
    for (let i = 0; i < 12 && (counts.received.missing > 0 || counts.dispatched.missing > 0); i++) {
      await sleep(10_000);
      counts = await check();
    }
    await stopPair('intake');
    await stopPair('dispatch');

    // The other services one pair at a time (the machine has two cores); integration with its centre.
    for (const service of SERVICES.filter((s) => s !== 'intake' && s !== 'dispatch')) {
      if (service === 'integration') running.push(fleet.spawn('opscenter-simulator'));
      await startPair(service);
      await exercise(service);
      await stopPair(service);
    }

    const load1 = loadavg()[0]!.toFixed(1);
    console.log(`\n## Two replicas of every service (${new Date().toISOString().slice(0, 10)}, load average ${load1})\n`);
    console.log('| service | singleton jobs | each active in one replica | all active | consumer partitions per replica |');
    console.log('|---|---|---|---|---|');
    for (const l of perService) console.log(l);
    console.log('\n| service | killed | job watched | taken over after | killed one serving again after |');
    console.log('|---|---|---|---|---|');
    for (const l of handovers) console.log(l);
    const { received, dispatched } = counts;
    console.log(
      `\nreports: ${sent} sent, ${accepted.length} accepted, ${refused} refused; ${failedOver} sent on to the other replica when the first did not answer\n` +
        `on Kafka: received once ${received.once}, missing ${received.missing}, doubled ${received.doubled}; ` +
        `dispatched once ${dispatched.once}, missing ${dispatched.missing}, doubled ${dispatched.doubled}`,
    );
    const ok = received.missing + received.doubled + dispatched.missing + dispatched.doubled === 0;
    console.log(ok ? '✓ nothing lost, nothing doubled' : '✗ counts differ');
    process.exitCode = ok ? 0 : 1;
  } finally {
    stopAll();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
