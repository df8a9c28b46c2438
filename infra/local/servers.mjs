// Decides where Kafka and the MongoDB-wire server come from, in this order:
//   1. KAFKA_BROKERS / MONGODB_URI given  → use them;
//   2. a container runtime answers         → testcontainers (Kafka and MongoDB 7 images);
//   3. otherwise                           → local Kafka (KRaft) and FerretDB 1.24 from infra/local.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, log, portOpen, stateDir } from './process.mjs';
import { ensureKafkaJars, kafkaSettings, kafkaUp, kafkaDown } from './kafka.mjs';
import { ensureFerretBinary, ferretSettings, ferretUp, ferretDown } from './ferretdb.mjs';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

async function withLock(dir, fn) {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'provision.lock');
  const owner = join(lock, 'pid');
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch {
      try {
        // A lock whose holder was killed (Ctrl-C, kill -9 mid-start) is taken over at once, not after minutes.
        const holder = Number(readFileSync(owner, 'utf8'));
        if ((holder && !alive(holder)) || Date.now() - statSync(lock).mtimeMs > 300_000) {
          rmSync(lock, { recursive: true, force: true });
          continue;
        }
      } catch {
        // Just created, its pid not yet written: wait like for any holder (and take it over once stale).
        try {
          if (Date.now() - statSync(lock).mtimeMs > 10_000) rmSync(lock, { recursive: true, force: true });
        } catch {
          continue;
        }
      }
      if (Date.now() - start > 600_000) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function containerRuntimeAvailable() {
  if (process.env.YIWANG_CONTAINERS === '0') return false;
  let getContainerRuntimeClient;
  try {
    ({ getContainerRuntimeClient } = await import('testcontainers'));
  } catch (e) {
    // Not "no runtime": the library itself does not load here, which must not pass unnoticed.
    log(`testcontainers does not load on Node ${process.version} (${e instanceof Error ? e.message : e}); using local servers`);
    return false;
  }
  try {
    await Promise.race([getContainerRuntimeClient(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 8000))]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which of the three sources serves this run. `runtimeAnswers` is asked only when the environment
 * leaves something to provide (a parameter so that a test can say "a runtime answers" on a machine
 * without one).
 */
export async function serverSource(env = process.env, runtimeAnswers = containerRuntimeAvailable) {
  if (env.KAFKA_BROKERS && env.MONGODB_URI) return 'given';
  return (await runtimeAnswers()) ? 'containers' : 'local';
}

/** The testcontainers modules of the container path (they must load on the Node the README names). */
export async function loadContainerModules() {
  const [{ KafkaContainer }, { MongoDBContainer }] = await Promise.all([
    import('@testcontainers/kafka'),
    import('@testcontainers/mongodb'),
  ]);
  return { KafkaContainer, MongoDBContainer };
}

/**
 * Local servers carry on with the data of the last run (a restart after a crash loses nothing);
 * `fresh` starts them on empty storage and refuses if they already run (stop them first);
 * `fresh: 'when-starting'` gives empty storage only to servers this call starts, and reuses running ones
 * (the tests: servers they start live for one run, and yesterday's test databases only slow FerretDB).
 * @returns {Promise<{kafkaBrokers: string, mongoUri: string, mode: string, stop: () => Promise<void>}>}
 */
export async function ensureServers({ keep = process.env.YIWANG_KEEP_SERVERS === '1', fresh = false } = {}) {
  const givenKafka = process.env.KAFKA_BROKERS;
  const givenMongo = process.env.MONGODB_URI;
  const source = await serverSource(process.env);
  if (source === 'given') return { kafkaBrokers: givenKafka, mongoUri: givenMongo, mode: 'given', stop: async () => {} };

  if (source === 'containers') {
    const { KafkaContainer, MongoDBContainer } = await loadContainerModules();
    const stops = [];
    let kafkaBrokers = givenKafka,
      mongoUri = givenMongo;
    if (!kafkaBrokers) {
      const k = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
      kafkaBrokers = `${k.getHost()}:${k.getMappedPort(9093)}`;
      stops.push(() => k.stop());
    }
    if (!mongoUri) {
      const m = await new MongoDBContainer('mongo:7.0').start();
      mongoUri = `${m.getConnectionString()}?directConnection=true`;
      stops.push(() => m.stop());
    }
    log(`testcontainers: Kafka ${kafkaBrokers}, MongoDB 7 ${mongoUri}`);
    return {
      kafkaBrokers,
      mongoUri,
      mode: 'containers',
      stop: async () => {
        if (!keep) for (const s of stops) await s();
      },
    };
  }

  const state = stateDir(repoRoot);
  return withLock(state, async () => {
    // Fetch and build first, start after: a cold Go build takes both cores for a minute or two,
    // and a broker starting beside it can miss its readiness deadline.
    const kafkaListens = !givenKafka && (await portOpen(kafkaSettings(state).port));
    const mongoListens = !givenMongo && (await portOpen(ferretSettings(state).port));
    if (fresh === true && (kafkaListens || mongoListens))
      throw new Error('--fresh wants empty storage but the servers run on their data: `npm run infra:reset` stops and restarts them empty');
    if (!givenKafka && !kafkaListens) ensureKafkaJars();
    if (!givenMongo && !mongoListens) ensureFerretBinary();
    const [kr, fr] = await Promise.allSettled([
      givenKafka ? { brokers: givenKafka, started: false } : kafkaUp(state, { fresh: Boolean(fresh) }),
      givenMongo ? { uri: givenMongo, started: false } : ferretUp(state, { fresh: Boolean(fresh) }),
    ]);
    if (kr.status === 'rejected' || fr.status === 'rejected') {
      // Jest runs no teardown when the set-up throws: stop what this call started, then fail.
      if (kr.status === 'fulfilled' && kr.value.started) await kafkaDown(state);
      if (fr.status === 'fulfilled' && fr.value.started) await ferretDown(state);
      throw kr.status === 'rejected' ? kr.reason : fr.reason;
    }
    const k = kr.value;
    const f = fr.value;
    return {
      kafkaBrokers: k.brokers,
      mongoUri: f.uri,
      mode: 'local',
      stop: async () => {
        if (keep) return;
        await Promise.all([k.started ? kafkaDown(state) : null, f.started ? ferretDown(state) : null]);
      },
    };
  });
}

export async function stopLocalServers() {
  const state = stateDir(repoRoot);
  await Promise.all([kafkaDown(state), ferretDown(state)]);
}
