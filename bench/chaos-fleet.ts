// The services of a fault run as child processes on their own ports, databases, topics and consumer
// groups (names carry the run's stamp), wired to each other as `npm start` wires them: the full
// chaos run (bench/chaos.ts) and its short CI version (test/system/chaos-short.e2e.spec.ts) start
// them from here, so both kill the same processes a deployment runs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { caseIdForReport } from '@yiwang/dispatch';
import { isHouseholdComplaint, shippedCategoryTable } from '@yiwang/intake';

export const FLEET_SERVICES = [
  'intake',
  'dispatch',
  'opscenter-simulator',
  'integration',
  'enforcement',
  'parking',
  'heating',
  'sanitation',
] as const;
export type FleetService = (typeof FLEET_SERVICES)[number];

export interface FleetOptions {
  readonly root: string;
  readonly stamp: string;
  readonly brokers: string;
  readonly mongoUri: string;
  readonly secret: string;
  readonly piiKey: string;
  readonly logDir: string;
  /** `node --import tsx` of src/main.ts instead of dist/main.js (the default when a dist/ is missing). */
  readonly fromSource?: boolean;
  /** Open311 API key of the inspector channel (reports filed at once). */
  readonly open311Key: string;
}

export interface Fleet {
  readonly services: readonly FleetService[];
  readonly fromSource: boolean;
  readonly topics: Readonly<Record<'intake' | 'dispatch' | 'enforcement' | 'parking' | 'heating' | 'sanitation', string>>;
  readonly databases: Readonly<Record<FleetService, string>>;
  readonly env: Readonly<Record<FleetService, Readonly<Record<string, string>>>>;
  /** `http://127.0.0.1:<port>` of each service's HTTP API (the simulator: its admin API). */
  readonly http: Readonly<Record<FleetService, string>>;
  /** `127.0.0.1:<port>` of each service's gRPC API. */
  readonly grpc: Readonly<Record<FleetService, string>>;
  /** Where a service says it can serve: `/readyz` (the simulator: `/healthz`). */
  readonly readyz: Readonly<Record<FleetService, string>>;
  /** Starts one process of the service, its output appended to `<logDir>/<name>.log`. */
  spawn(name: FleetService): ChildProcess;
}

/** A free port below the ephemeral range, so no outgoing connection takes it between a kill and a relaunch. */
export async function lowPort(taken = new Set<number>()): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((ok) => {
      const probe = createServer().once('error', () => ok(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => ok(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}

/** The environment of each service of `services` (the simulator comes with integration). */
export async function planFleet(o: FleetOptions, wanted: readonly FleetService[]): Promise<Fleet> {
  const services = FLEET_SERVICES.filter((s) => wanted.includes(s) || (s === 'opscenter-simulator' && wanted.includes('integration')));
  mkdirSync(o.logDir, { recursive: true });
  const taken = new Set<number>();
  const ports = {} as Record<FleetService, { http: number; grpc: number; internal: number }>;
  for (const s of services) ports[s] = { http: await lowPort(taken), grpc: await lowPort(taken), internal: await lowPort(taken) };
  const p = (s: FleetService, k: 'http' | 'grpc' | 'internal') => String(ports[s]?.[k] ?? 1);
  const topic = (s: string) => `chaos.${o.stamp}.${s}`;
  const topics = {
    intake: topic('intake'),
    dispatch: topic('dispatch'),
    enforcement: topic('enforcement'),
    parking: topic('parking'),
    heating: topic('heating'),
    sanitation: topic('sanitation'),
  };
  const db = (s: string) => `chaos_${o.stamp}_${s.replace(/-/g, '_')}`;
  const databases = Object.fromEntries(FLEET_SERVICES.map((s) => [s, db(s)])) as Record<FleetService, string>;
  const group = (s: string) => `chaos.${o.stamp}.${s}`;
  const common = {
    KAFKA_BROKERS: o.brokers,
    MONGODB_URI: o.mongoUri,
    AUTH_JWT_SECRET: o.secret,
    PII_MASTER_KEY: o.piiKey,
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    BIND_HOST: '127.0.0.1',
  };
  const certDir = join(o.logDir, '..', 'link-certs');
  const fromSource = o.fromSource ?? !services.every((s) => existsSync(join(o.root, 'services', s, 'dist', 'main.js')));
  if (services.includes('integration') && !existsSync(join(certDir, 'centre-ca.crt'))) {
    // Fresh certificates for the mutually authenticated link (two CAs), as `npm start` makes them.
    const gen = fromSource
      ? ['--import', 'tsx', join(o.root, 'services/opscenter-simulator/src/pki/generate-certificates.ts'), certDir]
      : [join(o.root, 'services/opscenter-simulator/dist/pki/generate-certificates.js'), certDir];
    const r = spawnSync(process.execPath, gen, { cwd: o.root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('could not generate the link certificates');
  }
  const env: Record<FleetService, Record<string, string>> = {
    intake: {
      ...common,
      INTAKE_DB: databases.intake,
      INTAKE_HOST: '127.0.0.1',
      INTAKE_HTTP_PORT: p('intake', 'http'),
      INTAKE_GRPC_PORT: p('intake', 'grpc'),
      INTAKE_EVENTS_TOPIC: topics.intake,
      DISPATCH_EVENTS_TOPIC: topics.dispatch,
      INTAKE_CONSUMER_GROUP: group('intake'),
      OPEN311_API_KEYS: `${o.open311Key}=inspector`,
    },
    dispatch: {
      ...common,
      DISPATCH_DB: databases.dispatch,
      HTTP_PORT: p('dispatch', 'http'),
      GRPC_PORT: p('dispatch', 'grpc'),
      INTAKE_TOPIC: topics.intake,
      DISPATCH_TOPIC: topics.dispatch,
      DISPATCH_CONSUMER_GROUP: group('dispatch'),
    },
    'opscenter-simulator': {
      ...common,
      SIM_DB: databases['opscenter-simulator'],
      SIM_BIND_HOST: '127.0.0.1',
      SIM_GRPC_PORT: p('opscenter-simulator', 'grpc'),
      SIM_ADMIN_PORT: p('opscenter-simulator', 'http'),
      SIM_CERT_DIR: certDir,
      SIM_ADMIN_TOKEN: `chaos-admin-${o.stamp}`,
      YIWANG_LINK_ADDRESS: `127.0.0.1:${p('integration', 'grpc')}`,
    },
    integration: {
      ...common,
      INTEGRATION_DB: databases.integration,
      INTEGRATION_HTTP_PORT: p('integration', 'http'),
      INTEGRATION_GRPC_PORT: p('integration', 'grpc'),
      INTEGRATION_INTERNAL_GRPC_PORT: p('integration', 'internal'),
      DISPATCH_TOPIC: topics.dispatch,
      HEATING_TOPIC: topics.heating,
      INTEGRATION_CONSUMER_GROUP: group('integration'),
      INTAKE_GRPC_ADDRESS: `127.0.0.1:${p('intake', 'grpc')}`,
      OPSCENTER_ADDRESS: `127.0.0.1:${p('opscenter-simulator', 'grpc')}`,
      OPSCENTER_CA_FILE: join(certDir, 'centre-ca.crt'),
      INTEGRATION_TLS_CERT_FILE: join(certDir, 'yiwang-client.crt'),
      INTEGRATION_TLS_KEY_FILE: join(certDir, 'yiwang-client.key'),
      OPSCENTER_RECONCILE_INTERVAL_MS: '60000',
    },
    enforcement: {
      ...common,
      ENFORCEMENT_DB: databases.enforcement,
      ENFORCEMENT_HTTP_PORT: p('enforcement', 'http'),
      ENFORCEMENT_GRPC_PORT: p('enforcement', 'grpc'),
      ENFORCEMENT_TOPIC: topics.enforcement,
      ENFORCEMENT_DISPATCH_TOPIC: topics.dispatch,
      ENFORCEMENT_DISPATCH_GROUP: group('enforcement'),
      DISPATCH_GRPC_ADDRESS: `127.0.0.1:${p('dispatch', 'grpc')}`,
    },
    parking: {
      ...common,
      PARKING_DB: databases.parking,
      PARKING_HOST: '127.0.0.1',
      PARKING_HTTP_PORT: p('parking', 'http'),
      PARKING_GRPC_PORT: p('parking', 'grpc'),
      PARKING_EVENTS_TOPIC: topics.parking,
      DISPATCH_EVENTS_TOPIC: topics.dispatch,
      PARKING_CONSUMER_GROUP: group('parking'),
      DISPATCH_GRPC_ADDRESS: `127.0.0.1:${p('dispatch', 'grpc')}`,
    },
    heating: {
      ...common,
      HEATING_DB: databases.heating,
      HEATING_HTTP_PORT: p('heating', 'http'),
      HEATING_GRPC_PORT: p('heating', 'grpc'),
      HEATING_TOPIC: topics.heating,
      INTAKE_TOPIC: topics.intake,
      HEATING_CONSUMER_GROUP: group('heating'),
    },
    sanitation: {
      ...common,
      SANITATION_DB: databases.sanitation,
      SANITATION_HTTP_PORT: p('sanitation', 'http'),
      SANITATION_GRPC_PORT: p('sanitation', 'grpc'),
      SANITATION_TOPIC: topics.sanitation,
      INTAKE_EVENTS_TOPIC: topics.intake,
      INTAKE_GRPC_ADDRESS: `127.0.0.1:${p('intake', 'grpc')}`,
      SANITATION_CONSUMER_GROUP: group('sanitation'),
    },
  };
  const http = Object.fromEntries(FLEET_SERVICES.map((s) => [s, `http://127.0.0.1:${p(s, 'http')}`])) as Record<FleetService, string>;
  const grpc = Object.fromEntries(FLEET_SERVICES.map((s) => [s, `127.0.0.1:${p(s, 'grpc')}`])) as Record<FleetService, string>;
  const readyz = Object.fromEntries(
    FLEET_SERVICES.map((s) => [s, `${http[s]}/${s === 'opscenter-simulator' ? 'healthz' : 'readyz'}`]),
  ) as Record<FleetService, string>;
  const entry = (name: FleetService) =>
    fromSource
      ? ['--import', 'tsx', join(o.root, 'services', name, 'src', 'main.ts')]
      : ['--enable-source-maps', join(o.root, 'services', name, 'dist', 'main.js')];
  return {
    services,
    fromSource,
    topics,
    databases,
    env,
    http,
    grpc,
    readyz,
    spawn(name) {
      const fd = openSync(join(o.logDir, `${name}.log`), 'a');
      const child = spawn(process.execPath, entry(name), { cwd: o.root, env: { ...process.env, ...env[name] }, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      return child;
    },
  };
}

/** Whether `url` answers 2xx within 2 s. */
export async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Polls `check` every 100 ms; the ms it took, or undefined after `timeoutMs`. */
export async function within(check: () => Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const t = Date.now();
  while (Date.now() - t < timeoutMs) {
    if (await check()) return Date.now() - t;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** Per event type, per stream (the message key): the distinct event ids seen and how many messages carried them. */
export type EventTally = Map<string, Map<string, { ids: Set<string>; messages: number }>>;

/**
 * Reads `topics` from the beginning to the end they had when called and tallies the events by type
 * and stream. A relay publishes at least once, so a message may come again with the same event id
 * (consumers drop it); one stream holding two distinct ids of a type that happens once is a doubled fact.
 */
export async function tallyTopics(brokers: string, topics: readonly string[], groupId: string, timeoutMs = 90_000): Promise<EventTally> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: groupId, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    const existing = new Set(await admin.listTopics());
    for (const t of topics.filter((x) => existing.has(x)))
      for (const o of await admin.fetchTopicOffsets(t)) ends.set(`${t}/${o.partition}`, Number(o.high));
  } finally {
    await admin.disconnect();
  }
  const tally: EventTally = new Map();
  const seen = new Map<string, number>();
  const reader = kafka.consumer({ groupId });
  await reader.connect();
  try {
    const present = [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))];
    if (present.length === 0) return tally;
    await reader.subscribe({ topics: present, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, partition, message }) => {
        seen.set(`${topic}/${partition}`, Number(message.offset) + 1);
        const h = (n: string) => (message.headers?.[n] === undefined ? '' : String(message.headers[n]));
        const byStream = tally.get(h('ce_type')) ?? new Map<string, { ids: Set<string>; messages: number }>();
        tally.set(h('ce_type'), byStream);
        const key = message.key?.toString() ?? '';
        const entry = byStream.get(key) ?? { ids: new Set<string>(), messages: 0 };
        entry.ids.add(h('ce_id'));
        entry.messages += 1;
        byStream.set(key, entry);
      },
    });
    const done = await within(async () => [...ends].every(([k, end]) => end === 0 || (seen.get(k) ?? 0) >= end), timeoutMs);
    if (done === undefined) throw new Error(`could not read ${topics.join(', ')} to their end within ${timeoutMs} ms`);
  } finally {
    await reader.disconnect();
  }
  return tally;
}

/** How the accepted facts of one kind show on Kafka: present once, missing, doubled (two ids), and copies of one id. */
export function onceEach(
  tally: EventTally,
  type: string,
  streams: readonly string[],
): { once: number; missing: number; doubled: number; copies: number } {
  const byStream = tally.get(type) ?? new Map<string, { ids: Set<string>; messages: number }>();
  let once = 0;
  let missing = 0;
  let doubled = 0;
  let copies = 0;
  for (const s of streams) {
    const e = byStream.get(s);
    if (!e) missing += 1;
    else if (e.ids.size === 1) once += 1;
    else doubled += 1;
    if (e) copies += e.messages - e.ids.size;
  }
  return { once, missing, doubled, copies };
}

/**
 * `tallyTopics` again until `complete` says every accepted fact is there or `timeoutMs` passed: relays
 * publish after the store commits, so the newest facts of a just relaunched service may still be on
 * their way when the load stops. The last tally either way.
 */
export async function tallyUntil(
  brokers: string,
  topics: readonly string[],
  groupId: string,
  complete: (tally: EventTally) => boolean,
  timeoutMs = 120_000,
): Promise<EventTally> {
  const end = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const tally = await tallyTopics(brokers, topics, `${groupId}.${attempt}`);
    if (complete(tally) || Date.now() > end) return tally;
    await new Promise((r) => setTimeout(r, 3000));
  }
}

/**
 * Waits until `isThere` holds for every id (asked 16 at a time), or `timeoutMs` passed; the ids
 * still missing then.
 */
export async function untilEach(ids: readonly string[], isThere: (id: string) => Promise<boolean>, timeoutMs: number): Promise<string[]> {
  let missing = [...ids];
  await within(async () => {
    const still: string[] = [];
    for (let i = 0; i < missing.length; i += 16) {
      const chunk = missing.slice(i, i + 16);
      const ok = await Promise.all(chunk.map(isThere));
      still.push(...chunk.filter((_, j) => !ok[j]));
    }
    missing = still;
    return missing.length === 0;
  }, timeoutMs);
  return missing;
}

/** The loop's facts on Kafka for accepted reports (intake's reception, dispatch's case) and recorded parking violations. */
export function loopFacts(tally: EventTally, reports: readonly string[], violations: readonly string[] = []) {
  return {
    received: onceEach(
      tally,
      'intake.report.received.v1',
      reports.map((id) => `report-${id}`),
    ),
    dispatched: onceEach(
      tally,
      'dispatch.case.dispatched.v1',
      reports.map((id) => `case-${caseIdForReport(id)}`),
    ),
    violations: onceEach(
      tally,
      'parking.violation.recorded.v1',
      violations.map((id) => `parking-violation-${id}`),
    ),
  };
}

/**
 * The service codes a load generator may post without more than a location: every category but a
 * household's heating complaint, which must name its flat (Open311 attributes) and goes to heating.
 */
export const loadCategories = (): string[] =>
  [...shippedCategoryTable().categories.values()].filter((c) => !isHouseholdComplaint(c)).map((c) => c.code);
