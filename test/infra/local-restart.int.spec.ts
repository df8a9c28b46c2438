// `npm run infra:up` after a crash of the local servers must carry on with their data: a broker
// killed with kill -9 comes back with its topics, messages and committed offsets, FerretDB with its
// documents. Runs the real up path (infra/bin/infra.mjs) as a child process on its own ports and
// state folder, never on the shared servers.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

const ROOT = resolve(__dirname, '..', '..');
jest.setTimeout(600_000);

/**
 * A free port below the ephemeral range (32768+): a port the OS handed out once can be taken again by
 * any outgoing connection before the broker binds it.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((ok) => {
      const s = createServer().once('error', () => ok(false));
      s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
    });
    if (free) return port;
  }
}

const state = mkdtempSync(join(tmpdir(), 'yiwang-restart-'));
let env: NodeJS.ProcessEnv = {};
let brokers = '';
let mongoUri = '';

function infra(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'infra/bin/infra.mjs'), ...args], { env, encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

async function up(...args: string[]): Promise<string> {
  const r = await infra('up', ...args);
  if (r.code !== 0) throw new Error(`infra up failed (${r.code}):\n${r.out}`);
  return r.out;
}

/** kill -9 of the server the pid file names, then wait until its port is closed. */
async function crash(name: 'kafka' | 'ferretdb', port: number): Promise<void> {
  const pid = Number(readFileSync(join(state, name, `${name}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
  for (;;) {
    const open = await new Promise<boolean>((ok) => {
      const probe = createServer().once('error', () => ok(true));
      probe.listen(port, '127.0.0.1', () => probe.close(() => ok(false)));
    });
    if (!open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const kafka = () => new Kafka({ clientId: 'restart-spec', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 8 } });

let bystander: ChildProcess | undefined;

beforeAll(async () => {
  const kafkaPort = await freePort();
  const controllerPort = await freePort();
  const mongoPort = await freePort();
  const { KAFKA_BROKERS: _k, MONGODB_URI: _m, ...rest } = process.env;
  env = {
    ...rest,
    YIWANG_STATE: state,
    YIWANG_KAFKA_PORT: String(kafkaPort),
    YIWANG_KAFKA_CONTROLLER_PORT: String(controllerPort),
    YIWANG_MONGO_PORT: String(mongoPort),
    YIWANG_KAFKA_HEAP: '256m',
    YIWANG_CONTAINERS: '0',
  };
  brokers = `127.0.0.1:${kafkaPort}`;
  mongoUri = `mongodb://127.0.0.1:${mongoPort}/`;
  await up();
});

afterAll(async () => {
  bystander?.kill('SIGKILL');
  await infra('down');
  rmSync(state, { recursive: true, force: true });
});

it('restarts Kafka and FerretDB after kill -9 on their data: topic, message, committed offset and document survive', async () => {
  const topic = 'restart.check.v1';
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = kafka().producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'written before the crash' }] });
  await producer.disconnect();
  await admin.setOffsets({ groupId: 'restart-check', topic, partitions: [{ partition: 0, offset: '1' }] });
  await admin.disconnect();
  const mongo = new MongoClient(mongoUri, { directConnection: true });
  await mongo.connect();
  await mongo
    .db('restart_check')
    .collection('docs')
    .insertOne({ _id: 'before-crash' as unknown as never, n: 1 });
  await mongo.close();

  await crash('kafka', Number(env['YIWANG_KAFKA_PORT']));
  await crash('ferretdb', Number(env['YIWANG_MONGO_PORT']));
  // A stale pid file naming a live, unrelated process: the up path must neither signal it nor be fooled by it.
  bystander = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  writeFileSync(join(state, 'kafka', 'kafka.pid'), String(bystander.pid));

  const out = await up();
  expect(out).toMatch(/Kafka .* on its existing data/);
  expect(out).toMatch(/FerretDB .* on its existing data/);
  expect(bystander.exitCode).toBeNull();
  expect(bystander.signalCode).toBeNull();

  const again = kafka().admin();
  await again.connect();
  expect(await again.listTopics()).toContain(topic);
  expect(await again.fetchOffsets({ groupId: 'restart-check', topics: [topic] })).toEqual([
    { topic, partitions: [expect.objectContaining({ partition: 0, offset: '1' })] },
  ]);
  await again.disconnect();
  const consumer = kafka().consumer({ groupId: `restart-read-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values = await new Promise<string[]>((done) => {
    void consumer.run({ eachMessage: async ({ message }) => done([String(message.value)]) });
  });
  await consumer.disconnect();
  expect(values).toEqual(['written before the crash']);

  const back = new MongoClient(mongoUri, { directConnection: true });
  await back.connect();
  expect(
    await back
      .db('restart_check')
      .collection('docs')
      .findOne({ _id: 'before-crash' as unknown as never }),
  ).toMatchObject({ n: 1 });
  await back.close();
});

it('refuses --fresh while the servers run on their data, and infra:reset starts them empty', async () => {
  const refused = await infra('up', '--fresh');
  expect(refused.code).not.toBe(0);
  expect(refused.out).toContain('infra:reset');

  const reset = await infra('reset');
  expect(reset.code).toBe(0);
  expect(reset.out).toMatch(/Kafka .* on new, empty data/);
  const admin = kafka().admin();
  await admin.connect();
  expect(await admin.listTopics()).not.toContain('restart.check.v1');
  await admin.disconnect();
});
