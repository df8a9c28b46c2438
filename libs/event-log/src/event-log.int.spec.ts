// The event log over gRPC against the real database: positions, times, filters, resume, access
// rules, personal data, follow mode, and a slow reader that must hold the server back.
import { status, type ServiceError } from '@grpc/grpc-js';
import type { LoggedEvent, NewEvent } from '@yiwang/kernel-core';
import { JsonEventCodec } from '@yiwang/kernel-kafka';
import { MongoEventStore } from '@yiwang/kernel-mongodb';
import { createGrpcServer, createLogger, createTokenVerifier, signToken, type GrpcServer, type Principal } from '@yiwang/platform';
import {
  DataEncoding,
  EndMode,
  type EventLogServiceClient,
  type ReadLogRequest,
  type ReadLogResponse,
} from '@yiwang/proto/yiwang/eventlog/v1/event_log';
import { testDatabase } from '@yiwang/testing';
import { eventLogClient, readLog, recordToEvent } from './event-log-client';
import { eventLogGrpcService } from './event-log-server';
import { type PersonalDataPolicy } from './personal-data';

const SECRET = 'event-log-int-test-secret-at-least-32-chars';
const BASE = Date.parse('2025-03-03T00:00:00Z');
const STREAMS = 30;
const PER_STREAM = 50;
const TOTAL = STREAMS * PER_STREAM;
const analyst: Principal = { subject: 'ana', department: 'centre.supervision', roles: ['analyst.replay'] };
const analystPii: Principal = { subject: 'pia', department: 'centre.supervision', roles: ['analyst.replay', 'analyst.personal-data'] };
const handler: Principal = { subject: 'wang', department: 'dept.sanitation.jiefang', roles: [] };

// A made-up policy: `phone` is personal, and "revealing" marks it so the test can tell.
const policy: PersonalDataPolicy = {
  redact: (e) => ({ ...e, data: { ...(e.data as object), phone: null } }),
  reveal: async (e) => ({ ...e, data: { ...(e.data as object), phone: `revealed:${(e.data as { phone: string }).phone}` } }),
};

let t: Awaited<ReturnType<typeof testDatabase>>;
let store: MongoEventStore;
let server: GrpcServer;
let address: string;
const sent: number[] = [];
const clients: EventLogServiceClient[] = [];

const clientAs = async (who: Principal) => {
  const c = eventLogClient(address, await signToken(who, { secret: SECRET }));
  clients.push(c);
  return c;
};

async function readAllResponses(client: EventLogServiceClient, request: Partial<ReadLogRequest>): Promise<ReadLogResponse[]> {
  const out: ReadLogResponse[] = [];
  for await (const r of readLog(client, request)) out.push(r);
  return out;
}
const events = (responses: ReadLogResponse[]): LoggedEvent[] =>
  responses.flatMap((r) => r.records.map((rec) => recordToEvent(rec, new JsonEventCodec())));
const failure = async (p: Promise<unknown>): Promise<ServiceError> => {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
};

beforeAll(async () => {
  t = await testDatabase(__filename);
  store = new MongoEventStore(t.db, { serviceName: 'eventlog-test' });
  await store.init();
  // Stream s gets events s*PER_STREAM .. ; the occurrence times grow by one second per event overall.
  for (let s = 0; s < STREAMS; s++) {
    const batch: NewEvent[] = Array.from({ length: PER_STREAM }, (_, i) => {
      const n = s * PER_STREAM + i;
      return {
        type: n % 3 === 0 ? 'test.thing.made.v1' : 'test.thing.changed.v1',
        data: { n, phone: `1380000${String(n).padStart(4, '0')}`, note: 'x'.repeat(2000) },
        metadata: {
          occurredAt: new Date(BASE + n * 1000),
          actor: { subject: 'tester', department: 'centre.supervision', roles: ['system'] },
        },
      };
    });
    await store.append(`${s % 2 === 0 ? 'even' : 'odd'}-${s}`, 'no_stream', batch);
    await store.sequenceOnce();
  }
  const logger = createLogger({ service: 'eventlog-test', level: 'silent' });
  server = createGrpcServer({
    services: [
      eventLogGrpcService({ store, codec: new JsonEventCodec(), personalData: policy, followPollMs: 100, onSent: (p) => sent.push(p) }),
    ],
    auth: createTokenVerifier({ jwtSecret: SECRET }),
    logger,
  });
  address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
}, 120_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.shutdown();
  await t?.close();
});

it('streams the whole log in position order, with per-record cursors and the end position', async () => {
  const responses = await readAllResponses(await clientAs(analyst), { batchSize: 200 });
  const all = events(responses);
  expect(all.map((e) => e.position)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  expect(all[10]).toMatchObject({ type: 'test.thing.changed.v1', streamId: 'even-0', streamVersion: 11, data: { n: 10, phone: null } });
  expect(all[10]!.occurredAt.toISOString()).toBe(new Date(BASE + 10_000).toISOString());
  expect(responses.at(-1)).toMatchObject({ cursor: `log1.${TOTAL}`, scannedPosition: TOTAL, endPosition: TOTAL });
  expect(responses[0]!.records[5]!.cursor).toBe('log1.6');
  expect(Math.max(...responses.map((r) => r.records.length))).toBeLessThanOrEqual(200);
});

it('starts after a position, at a time, or from a cursor; stops at a position or a time', async () => {
  const c = await clientAs(analyst);
  expect(events(await readAllResponses(c, { start: { $case: 'afterPosition', value: 1234 } })).map((e) => e.position)).toEqual(
    Array.from({ length: TOTAL - 1234 }, (_, i) => 1235 + i),
  );
  // Event n (position n+1) happened at BASE + n s: the first event at or after BASE + 420.5 s is n = 421.
  const fromTime = events(await readAllResponses(c, { start: { $case: 'fromTime', value: new Date(BASE + 420_500) }, toPosition: 430 }));
  expect(fromTime.map((e) => (e.data as { n: number }).n)).toEqual([421, 422, 423, 424, 425, 426, 427, 428, 429]);
  const toTime = events(await readAllResponses(c, { start: { $case: 'cursor', value: 'log1.100' }, toTime: new Date(BASE + 105_000) }));
  expect(toTime.map((e) => e.position)).toEqual([101, 102, 103, 104, 105]);
  const beforeAll = events(await readAllResponses(c, { start: { $case: 'fromTime', value: new Date(BASE - 3_600_000) }, toPosition: 3 }));
  expect(beforeAll.map((e) => e.position)).toEqual([1, 2, 3]);
  const afterAll = await readAllResponses(c, { start: { $case: 'fromTime', value: new Date(BASE + 86_400_000) } });
  expect(events(afterAll)).toEqual([]);
  expect(afterAll.at(-1)?.cursor).toBe(`log1.${TOTAL}`);
});

it('filters by event type and stream prefix while the cursor advances over the rest', async () => {
  const responses = await readAllResponses(await clientAs(analyst), { types: ['test.thing.made.v1'], streamPrefix: 'odd-' });
  const got = events(responses);
  expect(got.length).toBeGreaterThan(0);
  expect(got.every((e) => e.type === 'test.thing.made.v1' && e.streamId.startsWith('odd-'))).toBe(true);
  const expected = (await store.readAll({ after: 0, limit: TOTAL + 10, types: ['test.thing.made.v1'], streamPrefix: 'odd-' })).map(
    (e) => e.position,
  );
  expect(got.map((e) => e.position)).toEqual(expected);
  expect(responses.at(-1)?.cursor).toBe(`log1.${TOTAL}`);
});

it('resumes from a cursor with nothing missed and nothing repeated', async () => {
  const c = await clientAs(analyst);
  const first: LoggedEvent[] = [];
  let cursor = '';
  for await (const r of readLog(c, { batchSize: 37, streamPrefix: 'even-' })) {
    first.push(...r.records.map((rec) => recordToEvent(rec, new JsonEventCodec())));
    cursor = r.cursor;
    if (first.length > 300) break; // the reader goes away mid-stream
  }
  const rest = events(await readAllResponses(c, { start: { $case: 'cursor', value: cursor }, streamPrefix: 'even-' }));
  const whole = events(await readAllResponses(c, { streamPrefix: 'even-' }));
  expect([...first, ...rest].map((e) => e.position)).toEqual(whole.map((e) => e.position));
});

it('refuses callers without the role, personal data without its role, bad cursors and positions beyond the end', async () => {
  expect((await failure(readAllResponses(await clientAs(handler), {}))).code).toBe(status.PERMISSION_DENIED);
  expect((await failure(readAllResponses(await clientAs(analyst), { includePersonalData: true }))).code).toBe(status.PERMISSION_DENIED);
  expect((await failure(readAllResponses(await clientAs(analyst), { start: { $case: 'cursor', value: 'nonsense' } }))).code).toBe(
    status.INVALID_ARGUMENT,
  );
  const beyond = await failure(readAllResponses(await clientAs(analyst), { start: { $case: 'afterPosition', value: TOTAL + 1 } }));
  expect(beyond.code).toBe(status.OUT_OF_RANGE);
  expect(beyond.details).toContain(`head ${TOTAL}`);
  const withPii = events(await readAllResponses(await clientAs(analystPii), { includePersonalData: true, toPosition: 2 }));
  expect(withPii.map((e) => (e.data as { phone: string }).phone)).toEqual(['revealed:13800000000', 'revealed:13800000001']);
});

it('encodes payloads as JSON on request and tells the head', async () => {
  const c = await clientAs(analyst);
  const [r] = await readAllResponses(c, { dataEncoding: DataEncoding.DATA_ENCODING_JSON, toPosition: 1 });
  expect(r!.records[0]!.contentType).toBe('application/json');
  const head = await new Promise<{ headPosition: number; headOccurredAt?: Date }>((resolve, reject) =>
    c.getLogHead({}, (e, v) => (e ? reject(e) : resolve(v))),
  );
  expect(head.headPosition).toBe(TOTAL);
  expect(head.headOccurredAt?.toISOString()).toBe(new Date(BASE + (TOTAL - 1) * 1000).toISOString());
});

it('holds the server back while a slow reader does not take what it was sent', async () => {
  const c = await clientAs(analyst);
  sent.length = 0;
  const stream = readLog(c, { batchSize: 5 });
  const firstResponse = await stream.next(); // then the reader stops pulling
  expect(firstResponse.done).toBe(false);
  // Wait until the server stops handing responses to gRPC: it must be waiting for 'drain'.
  let stable = 0;
  let last = -1;
  while (stable < 3) {
    await new Promise((r) => setTimeout(r, 300));
    stable = sent.length === last ? stable + 1 : 0;
    last = sent.length;
  }
  const stalledAt = Math.max(...sent);
  expect(stalledAt).toBeLessThan(TOTAL); // ~2 kB events: the windows hold a few hundred at most
  // Pulling again lets it run to the end, with nothing lost.
  const positions = (firstResponse.value as ReadLogResponse).records.map((r) => r.position);
  for await (const r of stream) positions.push(...r.records.map((rec) => rec.position));
  expect(positions).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
});

it('follows the log as it grows, until the client cancels', async () => {
  const c = await clientAs(analyst);
  const controller = new AbortController();
  const seen: LoggedEvent[] = [];
  const reading = (async () => {
    try {
      for await (const r of readLog(
        c,
        { start: { $case: 'afterPosition', value: TOTAL }, end: EndMode.END_MODE_FOLLOW },
        controller.signal,
      )) {
        seen.push(...r.records.map((rec) => recordToEvent(rec, new JsonEventCodec())));
        if (seen.length >= 3) controller.abort();
      }
    } catch (e) {
      if ((e as ServiceError).code !== status.CANCELLED) throw e;
    }
  })();
  await store.append(
    'late-1',
    'no_stream',
    [1, 2, 3].map((n) => ({ type: 'test.thing.made.v1', data: { n: TOTAL + n, phone: 'x' } })),
  );
  await store.sequenceOnce();
  await reading;
  expect(seen.map((e) => e.position)).toEqual([TOTAL + 1, TOTAL + 2, TOTAL + 3]);
});
