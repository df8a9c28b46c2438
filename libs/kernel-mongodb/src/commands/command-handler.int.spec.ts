import { testDatabase } from '@yiwang/testing';
import { type Decider, ConcurrencyError, IllegalStateError } from '@yiwang/kernel-core';
import { MongoEventStore } from '../store/mongo-event-store';
import { MongoSnapshotStore } from '../store/mongo-snapshot-store';
import { CommandHandler, type EventMapping } from '@yiwang/kernel-core';

// A tally that can be closed: enough behaviour to exercise the handler without a real aggregate.
type Cmd = { type: 'Add'; amount: number } | { type: 'Close' };
type Ev = { type: 'Added'; data: { amount: number } } | { type: 'Closed'; data: Record<string, never> };
type State = { status: 'open' | 'closed'; total: number };
const tally: Decider<Cmd, Ev, State> = {
  initialState: () => ({ status: 'open', total: 0 }),
  decide: (c, s) => {
    if (s.status === 'closed') throw new IllegalStateError('tally is closed');
    return c.type === 'Add' ? [{ type: 'Added', data: { amount: c.amount } }] : [{ type: 'Closed', data: {} }];
  },
  evolve: (s, e) => (e.type === 'Added' ? { ...s, total: s.total + e.data.amount } : { ...s, status: 'closed' }),
};
const mapping: EventMapping<Ev> = {
  fromRecorded: (e) => ({ type: e.type.replace('test.tally.', '').replace('.v1', ''), data: e.data }) as Ev,
  toNew: (e) => ({ type: `test.tally.${e.type}.v1`, data: e.data }),
};

let t: Awaited<ReturnType<typeof testDatabase>>;
let store: MongoEventStore;
beforeAll(async () => {
  t = await testDatabase(__filename);
  store = new MongoEventStore(t.db, { serviceName: 'handler' });
  await store.init();
});
afterAll(() => t.close());

it('answers a retried command from its first result and appends nothing new', async () => {
  const h = new CommandHandler(store, tally, mapping);
  const first = await h.handle('tally-idem', { type: 'Add', amount: 5 }, { commandId: 'req-1' });
  const again = await h.handle('tally-idem', { type: 'Add', amount: 5 }, { commandId: 'req-1' });
  expect(again.replayed).toBe(true);
  expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
  expect((await store.readStream('tally-idem')).version).toBe(1);
});

it('appends once when the same command is sent five times at once', async () => {
  const h = new CommandHandler(store, tally, mapping);
  const results = await Promise.all(
    Array.from({ length: 5 }, () => h.handle('tally-burst', { type: 'Add', amount: 1 }, { commandId: 'burst-1' })),
  );
  expect(new Set(results.map((r) => r.events[0]!.id)).size).toBe(1);
  expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  expect((await store.readStream('tally-burst')).version).toBe(1);
});

it('retries a lost race for different commands, so both land', async () => {
  const h = new CommandHandler(store, tally, mapping);
  await Promise.all(Array.from({ length: 6 }, (_, i) => h.handle('tally-race', { type: 'Add', amount: i + 1 })));
  expect((await h.load('tally-race')).state.total).toBe(21);
});

it('refuses a stale client-side expected version and an illegal transition, storing nothing', async () => {
  const h = new CommandHandler(store, tally, mapping);
  await h.handle('tally-x', { type: 'Add', amount: 1 });
  await expect(h.handle('tally-x', { type: 'Add', amount: 1 }, { expectedVersion: 0 })).rejects.toBeInstanceOf(ConcurrencyError);
  await h.handle('tally-x', { type: 'Close' });
  await expect(h.handle('tally-x', { type: 'Add', amount: 1 })).rejects.toBeInstanceOf(IllegalStateError);
  expect((await store.readStream('tally-x')).version).toBe(2);
});

it('loads long streams from a snapshot plus the events after it', async () => {
  const snapshots = new MongoSnapshotStore(t.db);
  const h = new CommandHandler(store, tally, mapping, { snapshots: { store: snapshots, every: 10, schema: 1 } });
  for (let i = 0; i < 25; i++) await h.handle('tally-long', { type: 'Add', amount: 1 });
  const snap = await snapshots.load<State>('tally-long', 1);
  expect(snap).toEqual({ version: 20, state: { status: 'open', total: 20 } });
  expect(await h.load('tally-long')).toEqual({ version: 25, state: { status: 'open', total: 25 } });
  // Prove the load starts from the snapshot: doctor it, and the doctored base shows through.
  await snapshots.save('tally-long', 1, 21, { status: 'open', total: 1000 });
  expect((await h.load('tally-long')).state.total).toBe(1004);
  // A snapshot of another schema (the state shape changed) is ignored.
  expect(
    (await new CommandHandler(store, tally, mapping, { snapshots: { store: snapshots, every: 10, schema: 2 } }).load('tally-long')).state
      .total,
  ).toBe(25);
});

describe('the states a handler keeps after its own appends', () => {
  /** The store, counting the stream reads the handler makes. */
  const counting = () => {
    let reads = 0;
    const s = Object.create(store) as MongoEventStore;
    s.readStream = (...args) => {
      reads++;
      return store.readStream(...args);
    };
    return { s, reads: () => reads };
  };

  it('decides the next command on a stream it appended to without reading the stream', async () => {
    const { s, reads } = counting();
    const h = new CommandHandler(s, tally, mapping);
    await h.handle('tally-kept', { type: 'Add', amount: 2 });
    const before = reads();
    const r = await h.handle('tally-kept', { type: 'Add', amount: 3 });
    expect(reads()).toBe(before);
    expect(r).toMatchObject({ version: 2, state: { total: 5 } });
    expect((await new CommandHandler(store, tally, mapping).load('tally-kept')).state.total).toBe(5);
  });

  it('finds out when another writer moved the stream on: the append fails, the stream is read, nothing is lost', async () => {
    const mine = new CommandHandler(store, tally, mapping);
    const theirs = new CommandHandler(store, tally, mapping, { statesKept: 0 });
    await mine.handle('tally-moved', { type: 'Add', amount: 1 });
    await theirs.handle('tally-moved', { type: 'Add', amount: 10 });
    const r = await mine.handle('tally-moved', { type: 'Add', amount: 100 });
    expect(r).toMatchObject({ version: 3, state: { total: 111 } });
  });

  it('decides again on the stream when the kept state refuses a command or has nothing to do', async () => {
    const mine = new CommandHandler(store, tally, mapping);
    const theirs = new CommandHandler(store, tally, mapping, { statesKept: 0 });
    // Kept: open, 1. Closed elsewhere: the append at the kept version fails, and on the stream as
    // read the command is refused.
    await mine.handle('tally-refused', { type: 'Add', amount: 1 });
    await theirs.handle('tally-refused', { type: 'Close' });
    await expect(mine.handle('tally-refused', { type: 'Add', amount: 1 })).rejects.toThrow(IllegalStateError);
    // A client's expected version is compared with the stream, not with a kept state that is behind.
    await mine.handle('tally-expected', { type: 'Add', amount: 1 });
    await theirs.handle('tally-expected', { type: 'Add', amount: 1 });
    const r = await mine.handle('tally-expected', { type: 'Add', amount: 1 }, { expectedVersion: 2 });
    expect(r).toMatchObject({ version: 3, state: { total: 3 } });
    await expect(mine.handle('tally-expected', { type: 'Add', amount: 1 }, { expectedVersion: 2 })).rejects.toThrow(ConcurrencyError);
  });
});

it("runs a stream's commands one at a time, inline projections included, so they see its events in order", async () => {
  const projected: number[] = [];
  const h = new CommandHandler(store, tally, mapping, {
    afterAppend: async (_s, _state, events) => {
      // The first command's projection is slow: the second must still come after it.
      if (events[0]!.streamVersion === 1) await new Promise((r) => setTimeout(r, 200));
      projected.push(...events.map((e) => e.streamVersion));
    },
  });
  await Promise.all([h.handle('tally-order', { type: 'Add', amount: 1 }), h.handle('tally-order', { type: 'Add', amount: 2 })]);
  expect(projected).toEqual([1, 2]);
});
