// The analysts' CLI as a real child process against intake and dispatch running in this process on
// the real broker and database, seeded with a small demo day through the public APIs: replay to
// NDJSON/CSV from the log and from Kafka (counts per type = the store's), personal data, case-at at
// three moments, indicators and rankings equal to the live read models, rebuild after a drop,
// Ctrl-C and resume, and one-line errors for bad input.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LoggedEvent } from '@yiwang/kernel-core';
import type { MongoEventStore } from '@yiwang/kernel-mongodb';
import { callUnary, connectMongo, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import {
  Dimension,
  DispatchServiceClient,
  GetIndicatorsResponse,
  GetRankingResponse,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { loadIntakeConfig, startIntakeService } from '@yiwang/intake';
import { startDispatchService, type DispatchService } from '@yiwang/dispatch';
import { SECRET, testEnvironment, until } from '@yiwang/dispatch/testing';
import { seedDay } from '../demo/seed-day';
import { canonical } from '@yiwang/cli';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'apps', 'cli', 'bin', 'yiwang.mjs');
const analyst: Principal = { subject: 'an.alyst', department: 'centre.supervision', roles: ['analyst.replay'] };
const analystPii: Principal = {
  subject: 'pii.alyst',
  department: 'centre.supervision',
  roles: ['analyst.replay', 'analyst.personal-data'],
};

let env: Awaited<ReturnType<typeof testEnvironment>>;
let dispatch: DispatchService;
let intake: Awaited<ReturnType<typeof startIntakeService>>;
let intakeDb: string;
let token: string;
let seededUntil: Date;
const dir = mkdtempSync(join(tmpdir(), 'yiwang-cli-'));

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Runs `yiwang …` as its own process; `onStart` may signal it (Ctrl-C tests). */
function yiwang(args: readonly string[], options: { token?: string; onStart?: (pid: number) => void } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        YIWANG_TOKEN: options.token ?? token,
        KAFKA_BROKERS: env.config.kafkaBrokers.join(','),
        YIWANG_INTAKE_GRPC: intake.grpcAddress,
        YIWANG_DISPATCH_GRPC: dispatch.grpcAddress,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    if (child.pid) options.onStart?.(child.pid);
  });
}

const lines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const countByType = (types: readonly string[]): Record<string, number> =>
  types.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});

async function storeEvents(store: MongoEventStore): Promise<LoggedEvent[]> {
  const head = await store.headPosition();
  return [...(await store.readAll({ after: 0, limit: head + 1 }))];
}

beforeAll(async () => {
  env = await testEnvironment(__filename);
  intakeDb = `${env.prefix}_intake`;
  intake = await startIntakeService(
    loadIntakeConfig({
      MONGODB_URI: env.config.mongoUri,
      INTAKE_DB: intakeDb,
      KAFKA_BROKERS: env.config.kafkaBrokers.join(','),
      INTAKE_HTTP_PORT: '0',
      INTAKE_GRPC_PORT: '0',
      INTAKE_HOST: '127.0.0.1',
      INTAKE_EVENTS_TOPIC: env.config.intakeTopic,
      DISPATCH_EVENTS_TOPIC: env.config.dispatchTopic,
      INTAKE_CONSUMER_GROUP: `${env.prefix}.intake`,
      AUTH_JWT_SECRET: SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    }),
  );
  dispatch = await startDispatchService(env.config);
  token = await signToken(analyst, { secret: SECRET });
  await seedDay(
    { intakeGrpc: intake.grpcAddress, intakeHttp: intake.httpAddress, dispatchGrpc: dispatch.grpcAddress, secret: SECRET },
    24,
    () => undefined,
  );
  // Everything sequenced, and dispatch's read models caught up with its log.
  await until(
    async () => (await intake.store.unsequencedCount()) === 0 && (await dispatch.store.unsequencedCount()) === 0,
    60_000,
    'logs sequenced',
  );
  // Quiet: intake records dispatch's closures as they arrive over Kafka; wait until both logs stop growing.
  let heads = '';
  await until(
    async () => {
      const now = `${await intake.store.headPosition()}/${await dispatch.store.headPosition()}/${await intake.store.unsequencedCount()}`;
      const quiet = now === heads;
      heads = now;
      if (!quiet) await new Promise((r) => setTimeout(r, 1_000));
      return quiet;
    },
    60_000,
    'logs to settle',
  );
  seededUntil = new Date();
}, 300_000);

afterAll(async () => {
  await dispatch?.stop();
  await intake?.stop();
  await env?.t.close();
});

it('replays the demo day to NDJSON from both logs with the store’s counts per event type', async () => {
  for (const [service, store] of [
    ['dispatch', dispatch.store],
    ['intake', intake.store],
  ] as const) {
    // Intake may still record late notifications: compare up to the head as it is now.
    const stored = await storeEvents(store);
    const run = await yiwang(['replay', '--service', service, '--to-position', String(stored.length)]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const rows = lines(run.stdout);
    expect(countByType(rows.map((r) => r['type'] as string))).toEqual(countByType(stored.map((e) => e.type)));
    expect(rows.map((r) => r['position'])).toEqual(stored.map((e) => e.position));
    expect(Object.keys(rows[0]!)).toEqual([
      'position',
      'eventId',
      'type',
      'streamId',
      'streamVersion',
      'occurredAt',
      'recordedAt',
      'correlationId',
      'causationId',
      'actor',
      'commandId',
      'service',
      'data',
    ]);
  }
});

it('replays from Kafka (from the beginning, and from a time via offsets) with the same counts, republishes to a replay topic, and writes CSV', async () => {
  const stored = await storeEvents(dispatch.store);
  const fromKafka = await until(
    async () => {
      const run = await yiwang(['replay', '--service', 'dispatch', '--source', 'kafka', '--topic', env.config.dispatchTopic]);
      return run.code === 0 && lines(run.stdout).length === stored.length ? lines(run.stdout) : null;
    },
    60_000,
    'the relay to publish the whole log',
  );
  expect(countByType(fromKafka.map((r) => r['type'] as string))).toEqual(countByType(stored.map((e) => e.type)));
  expect(fromKafka.every((r) => typeof (r['kafka'] as { offset: string }).offset === 'string')).toBe(true);
  const late = await yiwang([
    'replay',
    '--service',
    'dispatch',
    '--source',
    'kafka',
    '--topic',
    env.config.dispatchTopic,
    '--from',
    new Date(Date.now() + 3_600_000).toISOString(),
  ]);
  expect(late).toMatchObject({ code: 0, stdout: '' });

  // Republished to a replay topic: the same events, readable as the service's own topic is.
  const replayTopic = `${env.prefix}.replay.dispatch`;
  const republished = await yiwang(['replay', '--service', 'dispatch', '--republish', replayTopic, '--to-position', String(stored.length)]);
  expect(republished).toMatchObject({ code: 0, stdout: '' });
  const back = await yiwang(['replay', '--service', 'dispatch', '--source', 'kafka', '--topic', replayTopic]);
  expect(
    lines(back.stdout)
      .map((r) => r['eventId'])
      .sort(),
  ).toEqual(stored.map((e) => e.id).sort());

  const csv = await yiwang(['replay', '--service', 'dispatch', '--format', 'csv', '--types', 'dispatch.case.closed.v1']);
  const [header, ...rows] = csv.stdout.trim().split('\n');
  expect(header).toBe(
    'position,eventId,type,streamId,streamVersion,occurredAt,recordedAt,correlationId,causationId,actorSubject,actorDepartment,commandId,service,kafkaPartition,kafkaOffset,data',
  );
  expect(rows.length).toBe(stored.filter((e) => e.type === 'dispatch.case.closed.v1').length);
  expect(rows.length).toBeGreaterThan(0);
});

it('leaves reporters’ contacts out unless asked for with the personal-data role', async () => {
  const received = (run: Run) => lines(run.stdout).map((r) => (r['data'] as { reporter: { name: string | null } | null }).reporter);
  const plain = await yiwang(['replay', '--service', 'intake', '--types', 'intake.report.received.v1']);
  expect(plain.code).toBe(0);
  expect(received(plain).every((r) => r === null)).toBe(true);
  const refused = await yiwang(['replay', '--service', 'intake', '--include-personal-data']);
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  expect(refused.stderr).toContain('analyst.personal-data');
  const allowed = await yiwang(['replay', '--service', 'intake', '--types', 'intake.report.received.v1', '--include-personal-data'], {
    token: await signToken(analystPii, { secret: SECRET }),
  });
  expect(allowed.code).toBe(0);
  const names = received(allowed).flatMap((r) => (r?.name ? [r.name] : []));
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((n) => !n.startsWith('pdv'))).toBe(true); // unsealed, not ciphertext
});

it('case-at gives three different, correct states of one case at three moments', async () => {
  const events = await storeEvents(dispatch.store);
  const byCase = new Map<string, LoggedEvent[]>();
  for (const e of events) if (e.streamId.startsWith('case-')) byCase.set(e.streamId, [...(byCase.get(e.streamId) ?? []), e]);
  const [stream, history] = [...byCase].find(
    ([, h]) => h.some((e) => e.type === 'dispatch.case.signed_for.v1') && h.at(-1)?.type === 'dispatch.case.closed.v1',
  )!;
  const caseId = stream.slice('case-'.length);
  const at = (type: string) => history.find((e) => e.type === type)!.occurredAt;
  const moments = [at('dispatch.case.dispatched.v1'), at('dispatch.case.signed_for.v1'), history.at(-1)!.occurredAt];
  const states = [];
  for (const m of moments) {
    const run = await yiwang(['case-at', caseId, '--at', m.toISOString(), '--format', 'json']);
    expect(run.code).toBe(0);
    states.push(JSON.parse(run.stdout) as { status: string; version: number; events: { type: string }[] });
  }
  expect(states.map((s) => s.status)).toEqual(['dispatched', 'handling', 'closed']);
  states.forEach((s, i) => {
    const upTo = history.filter((e) => e.occurredAt <= moments[i]!);
    expect(s.events.map((e) => e.type)).toEqual(upTo.map((e) => e.type));
    expect(s.version).toBe(upTo.at(-1)!.streamVersion);
  });
  const text = await yiwang(['case-at', caseId, '--at', moments[1]!.toISOString()]);
  expect(text.stdout).toContain(`case ${caseId} at ${moments[1]!.toISOString()}: handling`);
});

it('indicators and ranking tables from a replay equal the live read models', async () => {
  const centre = createGrpcClient(DispatchServiceClient, dispatch.grpcAddress, {
    token: await signToken({ subject: 'li.na', department: 'centre.command', roles: ['centre.command'] }, { secret: SECRET }),
  });
  try {
    // A period ending in the past, so the live query and the replay evaluate deadlines at the same instant.
    const from = new Date(seededUntil.getTime() - 7 * 86_400_000).toISOString();
    const to = seededUntil.toISOString();
    const dimensions = {
      unit: Dimension.DIMENSION_UNIT,
      district: Dimension.DIMENSION_DISTRICT,
      category: Dimension.DIMENSION_CATEGORY,
    } as const;
    for (const [name, dimension] of Object.entries(dimensions)) {
      const live = await callUnary(centre.getIndicators.bind(centre), { dimension, from, to });
      const run = await yiwang(['indicators', '--dimension', name, '--from', from, '--to', to, '--format', 'json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(GetIndicatorsResponse.toJSON(live));
      expect(live.rows.length).toBeGreaterThan(0);
    }
    for (const [name, dimension] of [
      ['unit', Dimension.DIMENSION_UNIT],
      ['district', Dimension.DIMENSION_DISTRICT],
    ] as const) {
      const run = await yiwang([
        'indicators',
        '--ranking',
        'onTimeClosureRate',
        '--dimension',
        name,
        '--week-of',
        seededUntil.toISOString(),
        '--format',
        'json',
      ]);
      const live = await callUnary(centre.getRanking.bind(centre), {
        indicatorId: 'onTimeClosureRate',
        dimension,
        weekOf: seededUntil.toISOString(),
      });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(GetRankingResponse.toJSON(live));
    }
  } finally {
    centre.close();
  }
});

it('rebuilds a projection equal to the live one, and after its collection is dropped, equal to the original', async () => {
  const args = ['rebuild', '--service', 'dispatch', '--mongo', env.config.mongoUri, '--db', env.config.mongoDb, '--format', 'json'];
  const same = await yiwang([...args, '--projection', 'dispatch_indicators', '--drop-rebuilt']);
  expect(JSON.parse(same.stdout)).toMatchObject({ equal: true });
  expect(same.code).toBe(0);

  const mongo = await connectMongo(env.config.mongoUri, env.config.mongoDb);
  try {
    const state = await mongo.db.collection<{ _id: string; generation: number }>('projection_state').findOne({ _id: 'dispatch_cases' });
    const live = (await mongo.db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => n.startsWith('rm_dispatch_cases_') && n.endsWith(`_g${state!.generation}`));
    expect(live.length).toBeGreaterThan(0);
    const victim = live[0]!;
    // Rows of many cases in one document come in the order they were applied (batch boundaries): compared as sets.
    const strip = (docs: Record<string, unknown>[]) =>
      docs
        .map(({ _guard: _g, ...rest }) => canonical(rest) as Record<string, unknown>)
        .sort((a, b) => String(a['_id']).localeCompare(String(b['_id'])));
    const original = strip(await mongo.db.collection(victim).find({}).toArray());
    expect(original.length).toBeGreaterThan(0);
    await mongo.db.collection(victim).drop();

    const run = await yiwang([...args, '--projection', 'dispatch_cases']);
    const report = JSON.parse(run.stdout) as {
      equal: boolean;
      models: { live: string; rebuilt: string; differences: { kind: string }[] }[];
    };
    expect(run.code).toBe(1); // the dropped collection differs from the rebuild …
    const model = report.models.find((m) => m.live === victim)!;
    expect(model.differences.every((d) => d.kind === 'missing_in_live')).toBe(true);
    expect(model.differences).toHaveLength(original.length);
    // … and the rebuild is the original, document for document.
    expect(strip(await mongo.db.collection(model.rebuilt).find({}).toArray())).toEqual(original);
    expect(report.models.filter((m) => m.live !== victim).every((m) => m.differences.length === 0)).toBe(true);
  } finally {
    await mongo.close();
  }
});

it('Ctrl-C leaves a cursor the next run resumes from, with nothing lost or repeated', async () => {
  const out = join(dir, 'follow.ndjson');
  const cursorFile = join(dir, 'cursor.json');
  const head = await intake.store.headPosition();
  let pid = 0;
  const running = yiwang(['replay', '--service', 'intake', '--follow', '--out', out, '--cursor-file', cursorFile], {
    onStart: (p) => (pid = p),
  });
  await until(async () => readFileSync(out, 'utf8').split('\n').filter(Boolean).length === head, 30_000, 'the follow replay to catch up');
  process.kill(pid, 'SIGINT');
  const stopped = await running;
  expect(stopped.code).toBe(130);
  expect(stopped.stderr).toContain(`--resume ${cursorFile}`);
  expect(JSON.parse(readFileSync(cursorFile, 'utf8'))).toMatchObject({
    version: 1,
    source: 'log',
    service: 'intake',
    cursor: `log1.${head}`,
  });

  // New events after the interruption: the resumed run writes exactly those.
  const posted = await fetch(`${intake.httpAddress}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ service_code: 'event.01.02', lat: '35.2401', long: '113.2337', description: '恢复测试' }).toString(),
  });
  expect(posted.status).toBe(200);
  await until(
    async () => (await intake.store.headPosition()) > head && (await intake.store.unsequencedCount()) === 0,
    30_000,
    'new events sequenced',
  );
  const newHead = await intake.store.headPosition();
  const resumed = await yiwang(['replay', '--service', 'intake', '--resume', cursorFile, '--out', out]);
  expect(resumed.code).toBe(0);
  const positions = lines(readFileSync(out, 'utf8')).map((r) => r['position']);
  expect(positions).toEqual(Array.from({ length: newHead }, (_, i) => i + 1));
});

it('answers bad input with one line and a non-zero exit code', async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['replay', '--service', 'lighthouse'],
      /unknown service "lighthouse" \(known: intake, dispatch, integration, enforcement, parking, heating, sanitation\)/,
    ],
    [['replay', '--service', 'dispatch', '--from', 'last tuesday'], /bad time for --from/],
    [['replay', '--service', 'dispatch', '--after', '99999999'], /beyond the end of the log/],
    [['replay', '--service', 'dispatch', '--source', 'kafka', '--topic', `${env.prefix}.no.such.topic`], /cannot read topic/],
    [['case-at', 'C-1'], /--at <time> is required/],
    [['frobnicate'], /unknown command/],
  ];
  for (const [args, message] of cases) {
    const run = await yiwang(args);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  }
});
