import { Kafka, logLevel } from 'kafkajs';
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';

/** One dependency `/readyz` asks about; `check` resolves when it is usable, rejects with why not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
  /**
   * Shown in `/readyz`'s body but never a reason to answer 503: for what the API does not need to
   * serve (the broker — the store is the outbox, and consumers catch up when it returns).
   */
  readonly informational?: boolean;
}

/** The same check, shown in `/readyz`'s body only (it does not decide readiness). */
export function informational(check: ReadinessCheck): ReadinessCheck {
  return { ...check, informational: true };
}

/** Ready when the database answers a `ping` (MongoDB and FerretDB alike). */
export function mongoReadiness(db: Db, name = 'mongodb'): ReadinessCheck {
  return {
    name,
    async check() {
      await db.command({ ping: 1 });
    },
  };
}

/**
 * Whether a broker of the cluster answers `describeCluster`. Each check uses a short-lived admin
 * client without retries: readiness must answer "now", not after kafkajs' backoff.
 *
 * Informational by default: a service serves its API from its database while the broker is away
 * (relays publish and consumers catch up when it returns), so taking it out of a load balancer's
 * rotation would turn a broker outage into a citizen-facing one. `critical: true` for a component
 * that cannot do anything without the broker.
 */
export function kafkaReadiness(
  brokers: readonly string[],
  options: { name?: string; timeoutMs?: number; clientId?: string; critical?: boolean } = {},
): ReadinessCheck {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const kafka = new Kafka({
    clientId: options.clientId ?? 'yiwang-readiness',
    brokers: [...brokers],
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  return {
    name: options.name ?? 'kafka',
    informational: !options.critical,
    async check() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('the cluster reports no brokers');
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

/** A connected MongoDB client and one database of it. */
export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

/**
 * Connects to `uri` and selects `dbName`. Fails fast (5 s server selection by default) so a
 * service with a wrong URI stops at start-up instead of hanging.
 */
export async function connectMongo(uri: string, dbName: string, options: MongoClientOptions = {}): Promise<MongoConnection> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, appName: dbName, ...options });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}

/** Rejects with a timeout error when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The outcome of running every check: `ready` when all but the informational ones passed. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<
    Record<string, { readonly status: 'up' | 'down'; readonly error?: string; readonly ms: number; readonly informational?: true }>
  >;
}

/** Runs all checks in parallel, each bounded by `timeoutMs`. Never throws. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs = 3_000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check, informational: info }) => {
      const started = performance.now();
      const flag = info ? { informational: true as const } : {};
      try {
        await withTimeout(check(), timeoutMs, name);
        return [name, { status: 'up' as const, ms: Math.round(performance.now() - started), ...flag }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [name, { status: 'down' as const, error: message, ms: Math.round(performance.now() - started), ...flag }] as const;
      }
    }),
  );
  return { ready: results.every(([, r]) => r.status === 'up' || r.informational), checks: Object.fromEntries(results) };
}
