// Decides where Kafka and the MongoDB-wire server come from, in this order:
//   1. KAFKA_BROKERS / MONGODB_URI given  → use them;
//   2. a container runtime answers         → testcontainers (Kafka and MongoDB 7 images);
//   3. otherwise                           → local Kafka (KRaft) and FerretDB 1.24 from infra/local.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, portOpen, stateDir } from './process.mjs';
import { ensureKafkaJars, kafkaSettings, kafkaUp, kafkaDown } from './kafka.mjs';
import { ensureFerretBinary, ferretSettings, ferretUp, ferretDown } from './ferretdb.mjs';

export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

async function withLock(dir, fn) {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'provision.lock');
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) {
          rmSync(lock, { recursive: true, force: true });
          continue;
        }
      } catch {
        continue;
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
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([getContainerRuntimeClient(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 8000))]);
    return true;
  } catch {
    return false;
  }
}

/** @returns {Promise<{kafkaBrokers: string, mongoUri: string, mode: string, stop: () => Promise<void>}>} */
export async function ensureServers({ keep = process.env.YIWANG_KEEP_SERVERS === '1' } = {}) {
  const givenKafka = process.env.KAFKA_BROKERS;
  const givenMongo = process.env.MONGODB_URI;
  if (givenKafka && givenMongo) return { kafkaBrokers: givenKafka, mongoUri: givenMongo, mode: 'given', stop: async () => {} };

  if (await containerRuntimeAvailable()) {
    const stops = [];
    let kafkaBrokers = givenKafka,
      mongoUri = givenMongo;
    if (!kafkaBrokers) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const k = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
      kafkaBrokers = `${k.getHost()}:${k.getMappedPort(9093)}`;
      stops.push(() => k.stop());
    }
    if (!mongoUri) {
      const { MongoDBContainer } = await import('@testcontainers/mongodb');
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
    if (!givenKafka && !(await portOpen(kafkaSettings(state).port))) ensureKafkaJars();
    if (!givenMongo && !(await portOpen(ferretSettings(state).port))) ensureFerretBinary();
    const [kr, fr] = await Promise.allSettled([
      givenKafka ? { brokers: givenKafka, started: false } : kafkaUp(state),
      givenMongo ? { uri: givenMongo, started: false } : ferretUp(state),
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
