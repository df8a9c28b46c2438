// Apache Kafka in KRaft mode, single node on 127.0.0.1, from Maven Central jars cached outside the repo.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cacheDir,
  daemonPid,
  freshDataDir,
  latestDataDir,
  log,
  portOpen,
  requireTool,
  run,
  startDaemon,
  stopDaemon,
  waitFor,
} from './process.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
export const KAFKA_VERSION = '3.9.1';

export function kafkaSettings(stateRoot) {
  const port = Number(process.env.YIWANG_KAFKA_PORT ?? 19092);
  return {
    port,
    controllerPort: Number(process.env.YIWANG_KAFKA_CONTROLLER_PORT ?? port + 1),
    dir: join(stateRoot, 'kafka'),
    heap: process.env.YIWANG_KAFKA_HEAP ?? '512m',
  };
}

/** Resolves the broker jars once; later runs find them in the cache. */
export function ensureKafkaJars() {
  const libs = join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
  if (existsSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) return libs;
  requireTool('java', ['-version'], 'Java 17+');
  requireTool('mvn', ['-v'], 'Maven 3');
  log(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central into ${libs}`);
  const work = join(cacheDir(), `kafka-${KAFKA_VERSION}.tmp`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  copyFileSync(join(here, '..', 'kafka', 'pom.xml'), join(work, 'pom.xml'));
  run(
    'mvn',
    [
      '-q',
      '-B',
      'dependency:copy-dependencies',
      `-Dkafka.version=${KAFKA_VERSION}`,
      `-DoutputDirectory=${join(work, 'libs')}`,
      '-DincludeScope=runtime',
    ],
    { cwd: work },
  );
  rmSync(join(cacheDir(), `kafka-${KAFKA_VERSION}`), { recursive: true, force: true });
  mkdirSync(join(cacheDir(), `kafka-${KAFKA_VERSION}`), { recursive: true });
  run('mv', [join(work, 'libs'), libs]);
  rmSync(work, { recursive: true, force: true });
  return libs;
}

async function brokerAnswers(port) {
  if (!(await portOpen(port))) return false;
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    return c.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Starts the broker unless one answers. It carries on with the data folder of the last run (topics
 * and committed offsets are the system's state: a restart after a crash must not lose them); only
 * `fresh`, a new state folder or a folder that was never formatted give empty storage.
 */
export async function kafkaUp(stateRoot, { fresh = false } = {}) {
  const s = kafkaSettings(stateRoot);
  const brokers = `127.0.0.1:${s.port}`;
  // Something listens: reuse it (a busy broker is not a dead one).
  if (await portOpen(s.port)) {
    await waitFor(`Kafka on ${brokers}`, () => brokerAnswers(s.port), { timeoutMs: 60_000 });
    log(`Kafka already answers on ${brokers}, reusing it`);
    return { brokers, started: false };
  }
  const libs = ensureKafkaJars();
  // A broker of ours that does not listen (hung, or half started) goes first; a stale pid file is just removed.
  await stopDaemon(s.dir, 'kafka');
  const previous = fresh ? undefined : latestDataDir(s.dir);
  // KRaft keeps the cluster id and node id in meta.properties: formatting again would orphan the
  // logs, so a folder that has it is reused as it is, and one without it (killed mid-format) is not.
  const kept = previous !== undefined && existsSync(join(previous, 'meta.properties'));
  const data = kept ? previous : freshDataDir(s.dir);
  // The JVM's file lock dies with it; the file itself may stay behind after a kill -9 and is harmless, but go.
  if (kept) rmSync(join(data, '.lock'), { force: true });
  const props = join(s.dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${s.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${s.port},CONTROLLER://127.0.0.1:${s.controllerPort}`,
      `advertised.listeners=PLAINTEXT://${brokers}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${data}`,
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'num.partitions=1',
      'auto.create.topics.enable=false',
      'log.retention.hours=-1',
      'log.retention.bytes=-1',
    ].join('\n') + '\n',
  );
  const classpath = `${libs}/*`;
  const log4j = `-Dlog4j.configuration=file:${join(here, '..', 'kafka', 'log4j.properties')}`;
  if (!kept) {
    const clusterId = run('java', ['-cp', classpath, log4j, 'kafka.tools.StorageTool', 'random-uuid']).trim();
    run('java', ['-cp', classpath, log4j, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props]);
  }
  const { logFile, exited } = startDaemon({
    name: 'kafka',
    dir: s.dir,
    cmd: 'java',
    args: [
      `-Xmx${s.heap}`,
      `-Xms${s.heap}`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      log4j,
      '-cp',
      classpath,
      'kafka.Kafka',
      props,
    ],
  });
  // After a kill -9 the broker recovers its logs before it answers; that takes longer the more it holds.
  const ms = await waitFor(`Kafka on ${brokers}`, () => brokerAnswers(s.port), { logFile, exited, timeoutMs: 180_000 }).catch(async (e) => {
    await stopDaemon(s.dir, 'kafka'); // never leave a half-started server behind
    throw kept
      ? new Error(`${e.message}\n(it was started on its existing data in ${data}; \`npm run infra:reset\` starts from empty storage)`)
      : e;
  });
  log(`Kafka ${KAFKA_VERSION} started on ${brokers} in ${ms} ms on ${kept ? 'its existing' : 'new, empty'} data ${data} (log: ${logFile})`);
  return { brokers, started: true, kept };
}

export async function kafkaDown(stateRoot) {
  const s = kafkaSettings(stateRoot);
  const stopped = await stopDaemon(s.dir, 'kafka');
  if (stopped) log('Kafka stopped');
  return stopped;
}

export function kafkaRunning(stateRoot) {
  return daemonPid(kafkaSettings(stateRoot).dir, 'kafka') !== undefined;
}

export function kafkaJarsCached() {
  const libs = join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
  return existsSync(libs) && readdirSync(libs).length > 0;
}
