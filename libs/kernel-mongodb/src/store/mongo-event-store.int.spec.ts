// Conformance suite for the event store. Runs against whatever MONGODB_URI the run provides:
// FerretDB 1.24 on our machines and in CI, MongoDB 7 under testcontainers or when pointed at one.
import type { Db } from 'mongodb';
import { testDatabase } from '@yiwang/testing';
import { ConcurrencyError, ValidationError, isUuidV7 } from '@yiwang/kernel-core';
import { MongoEventStore } from './mongo-event-store';
import { LogTail, orderedLogViolations } from './conformance/ordered-log-checks';

let t: Awaited<ReturnType<typeof testDatabase>>;
let db: Db;
let n = 0;
const freshStore = (opts: Partial<ConstructorParameters<typeof MongoEventStore>[1]> = {}): Promise<MongoEventStore> => {
  const store = new MongoEventStore(t.client.db(`${db.databaseName}_${++n}`), { serviceName: 'conformance', ...opts });
  return store.init().then(() => store);
};
const ev = (i: number) => ({ type: 'test.thing.happened.v1', data: { i } });

beforeAll(async () => {
  t = await testDatabase(__filename);
  db = t.db;
});
afterAll(async () => {
  await t.close();
});

describe('appending and reading a stream', () => {
  it('stores a batch with the full envelope and reads it back in order', async () => {
    const store = await freshStore();
    const r = await store.append('case-1', 'no_stream', [
      {
        type: 'a.v1',
        data: { x: 1 },
        metadata: { correlationId: 'corr-1', actor: { subject: 'u1', department: 'dept.a' }, commandId: 'cmd-1' },
      },
      { type: 'b.v1', data: { x: 2 } },
    ]);
    expect(r.nextExpectedVersion).toBe(2);
    const { version, events } = await store.readStream('case-1');
    expect(version).toBe(2);
    expect(events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
      ['a.v1', 1, { x: 1 }],
      ['b.v1', 2, { x: 2 }],
    ]);
    const [first] = events;
    expect(isUuidV7(first!.id)).toBe(true);
    expect(first).toMatchObject({
      streamId: 'case-1',
      correlationId: 'corr-1',
      causationId: null,
      actor: { subject: 'u1', department: 'dept.a' },
      commandId: 'cmd-1',
    });
    expect(first!.recordedAt).toBeInstanceOf(Date);
    expect(events[1]!.correlationId).toBe(events[1]!.id); // a new flow correlates to its first event
  });

  it('reads the same events before and after the sequencer moved them into the log', async () => {
    const store = await freshStore();
    await store.append('s', 'no_stream', [ev(1), ev(2)]);
    const before = await store.readStream('s');
    expect(before.events.every((e) => e.position === null)).toBe(true);
    await store.sequenceOnce();
    await store.append('s', 2, [ev(3)]);
    const after = await store.readStream('s');
    expect(after.events.map((e) => e.id).slice(0, 2)).toEqual(before.events.map((e) => e.id));
    expect(after.events.map((e) => e.position)).toEqual([null, null, null]); // positions belong to the log
    expect((await store.readAll({ after: 0 })).map((e) => [e.id, e.position])).toEqual(before.events.map((e, i) => [e.id, i + 1]));
    expect((await store.readStream('s', { fromVersion: 2, toVersion: 2 })).events.map((e) => e.streamVersion)).toEqual([2]);
  });

  it('returns version 0 and no events for a stream that does not exist', async () => {
    const store = await freshStore();
    expect(await store.readStream('nope')).toEqual({ version: 0, events: [] });
  });

  it('refuses bad stream ids and empty batches with a validation error, storing nothing', async () => {
    const store = await freshStore();
    await expect(store.append('bad id with spaces', 'any', [ev(1)])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.append('s', 'any', [])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.append('s', 'any', [ev(1), { type: '', data: {} }])).rejects.toBeInstanceOf(ValidationError);
    expect(await store.readStream('s')).toEqual({ version: 0, events: [] });
  });
});

describe('optimistic concurrency', () => {
  it('fails a stale exact expectation with the actual version and writes nothing', async () => {
    const store = await freshStore();
    await store.append('s', 'no_stream', [ev(1), ev(2)]);
    const err = await store.append('s', 1, [ev(3), ev(4)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrencyError);
    expect((err as ConcurrencyError).actualVersion).toBe(2);
    expect((await store.readStream('s')).version).toBe(2);
  });

  it('reports a lost race to create a stream (E11000 underneath) as a concurrency error', async () => {
    const store = await freshStore();
    await store.append('s', 'no_stream', [ev(1)]);
    const err = await store.append('s', 'no_stream', [ev(2)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrencyError);
    expect((err as ConcurrencyError).actualVersion).toBe(1);
  });

  it('expects stream_exists / exact versions on a missing stream to fail with actual -1', async () => {
    const store = await freshStore();
    await expect(store.append('s', 'stream_exists', [ev(1)])).rejects.toMatchObject({ actualVersion: -1 });
    await expect(store.append('s', 3, [ev(1)])).rejects.toMatchObject({ actualVersion: -1 });
  });

  it('lets exactly one of N concurrent writers win each version; the rest get the typed error', async () => {
    const store = await freshStore();
    for (let version = 1; version <= 5; version++) {
      const streamId = `hot-${version}`;
      await store.append(
        streamId,
        'no_stream',
        Array.from({ length: version }, (_, i) => ev(i)),
      );
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, w) => store.append(streamId, version, [ev(100 + w), ev(100 + w)])),
      );
      const winners = outcomes.filter(
        (o): o is PromiseFulfilledResult<Awaited<ReturnType<MongoEventStore['append']>>> => o.status === 'fulfilled',
      );
      expect(winners).toHaveLength(1);
      for (const o of outcomes)
        if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'CONCURRENCY', actualVersion: version + 2 });
      const { version: now, events } = await store.readStream(streamId);
      expect(now).toBe(version + 2);
      // The winner's batch is whole and not interleaved with a loser's.
      expect(events.slice(-2).map((e) => e.id)).toEqual(winners[0]!.value.events.map((e) => e.id));
    }
  });

  it('never fails an "any" append on concurrency, and keeps every event', async () => {
    const store = await freshStore();
    await Promise.all(Array.from({ length: 10 }, (_, w) => store.append('busy', 'any', [ev(w), ev(w)])));
    const { events } = await store.readStream('busy');
    expect(events).toHaveLength(20);
    for (let k = 0; k < 20; k += 2) expect((events[k]!.data as { i: number }).i).toBe((events[k + 1]!.data as { i: number }).i);
  });
});

describe('the service-wide ordered log', () => {
  it('is seen exactly once, contiguous and in per-stream order by a reader tailing during concurrent writes', async () => {
    const store = await freshStore({ sequencer: { pollIntervalMs: 5 } });
    store.startSequencer();
    const tail = new LogTail(store, 64);
    const writers = Array.from({ length: 12 }, async (_, w) => {
      for (let i = 0; i < 25; i++) await store.append(`s-${(w * 7 + i) % 30}`, 'any', i % 3 === 0 ? [ev(i), ev(i)] : [ev(i)]);
    });
    await Promise.all(writers);
    await store.sequenceOnce(); // whatever the background loop has not placed yet
    await store.stopSequencer();
    const seen = await tail.stop();
    const total = (await Promise.all(Array.from({ length: 30 }, (_, s) => store.readStream(`s-${s}`)))).reduce(
      (sum, s) => sum + s.version,
      0,
    );
    expect(seen).toHaveLength(total);
    expect(orderedLogViolations(seen)).toEqual([]);
    expect(await store.headPosition()).toBe(total);
    expect(await store.unsequencedCount()).toBe(0);
  });

  it('stays contiguous with two sequencers racing (a stale leaseholder still writing)', async () => {
    const store = await freshStore();
    const other = new MongoEventStore(store.db, { serviceName: 'conformance' });
    const appends = Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; i < 30; i++) await store.append(`r-${w}`, 'any', [ev(i)]);
      }),
    );
    const race = async (s: MongoEventStore) => {
      for (let k = 0; k < 40; k++) {
        await s.sequenceOnce();
        await new Promise((r) => setTimeout(r, 3));
      }
    };
    await Promise.all([appends, race(store), race(other)]);
    await store.sequenceOnce();
    const all = await store.readAll({ after: 0, limit: 10_000 });
    expect(all).toHaveLength(180);
    expect(orderedLogViolations(all)).toEqual([]);
  });

  it('filters by type and stream prefix, and pages by position', async () => {
    const store = await freshStore();
    await store.append('report-1', 'any', [
      { type: 'x.v1', data: {} },
      { type: 'y.v1', data: {} },
    ]);
    await store.append('case-1', 'any', [{ type: 'x.v1', data: {} }]);
    await store.sequenceOnce();
    expect((await store.readAll({ after: 0, types: ['x.v1'] })).map((e) => e.streamId)).toEqual(['report-1', 'case-1']);
    expect((await store.readAll({ after: 0, streamPrefix: 'case-' })).map((e) => e.position)).toEqual([3]);
    expect((await store.readAll({ after: 1, limit: 1 })).map((e) => e.position)).toEqual([2]);
  });
});

describe('upcasting and long streams', () => {
  it('upcasts old event versions on read, chaining v1 → v2 → v3, without rewriting them', async () => {
    const raw = await freshStore();
    await raw.append('u', 'no_stream', [{ type: 'thing.v1', data: { name: 'a' } }]);
    await raw.sequenceOnce();
    const store = new MongoEventStore(raw.db, {
      serviceName: 'conformance',
      upcasters: {
        'thing.v1': (e) => ({ type: 'thing.v2', data: { ...(e.data as object), label: 'x' } }),
        'thing.v2': (e) => ({ type: 'thing.v3', data: { ...(e.data as object), v3: true } }),
      },
    });
    expect((await store.readStream('u')).events[0]).toMatchObject({ type: 'thing.v3', data: { name: 'a', label: 'x', v3: true } });
    expect((await store.readAll({ after: 0 }))[0]!.type).toBe('thing.v3');
    expect((await raw.readStream('u')).events[0]!.type).toBe('thing.v1');
  });

  it('holds a stream far beyond the 16 MB document limit, as many commit documents', async () => {
    const store = await freshStore({ sequencer: { batchSize: 200 } });
    const blob = 'x'.repeat(10_000);
    for (let b = 0; b < 18; b++) {
      await store.append(
        'long',
        'any',
        Array.from({ length: 100 }, (_, i) => ({ type: 'big.v1', data: { i: b * 100 + i, blob } })),
      );
      await store.sequenceOnce();
    }
    const { version, events } = await store.readStream('long', { fromVersion: 1795 });
    expect(version).toBe(1800);
    expect(events.map((e) => (e.data as { i: number }).i)).toEqual([1794, 1795, 1796, 1797, 1798, 1799]);
    const commits = await store.commits.find({ streamId: 'long' }).toArray();
    expect(commits).toHaveLength(18);
    expect(await store.unsequencedCount()).toBe(0);
    expect((await store.readAll({ after: 1794, limit: 3 })).map((e) => e.streamVersion)).toEqual([1795, 1796, 1797]);
  }, 120_000);
});
