import { testDatabase } from '@yiwang/testing';
import type { LoggedEvent, RecordedEvent } from '@yiwang/kernel-core';
import { MongoEventStore } from '../store/mongo-event-store';
import type { Projection } from '@yiwang/kernel-core';
import type { ReadModels } from '@yiwang/kernel-core';
import { Projector } from './projector';

interface CaseRow {
  caseId: string;
  status: string;
  touches: number;
}
interface UnitTotal {
  unit: string;
  opened: number;
}

// One document per case (guarded by stream version) and one per unit fed by many streams
// (guarded by log position): the two guard kinds a projection can use.
const cases: Projection = {
  name: 'cases',
  handles: ['t.case.opened.v1', 't.case.moved.v1'],
  async apply(e: LoggedEvent | RecordedEvent, models: ReadModels) {
    const data = e.data as { unit: string; status: string };
    await models
      .model<CaseRow>('rows')
      .upsert(e.streamId, e, (row) => ({ caseId: e.streamId, status: data.status, touches: (row?.touches ?? 0) + 1 }));
    if (e.type === 't.case.opened.v1' && e.position !== null) {
      await models
        .model<UnitTotal>('units')
        .upsert(data.unit, { position: e.position }, (t) => ({ unit: data.unit, opened: (t?.opened ?? 0) + 1 }));
    }
  },
};

let t: Awaited<ReturnType<typeof testDatabase>>;
let store: MongoEventStore;
beforeAll(async () => {
  t = await testDatabase(__filename);
  store = new MongoEventStore(t.db, { serviceName: 'proj' });
  await store.init();
  for (let i = 0; i < 30; i++) {
    await store.append(`case-${i}`, 'no_stream', [{ type: 't.case.opened.v1', data: { unit: `u${i % 3}`, status: 'open' } }]);
    if (i % 2 === 0)
      await store.append(`case-${i}`, 1, [
        { type: 't.case.moved.v1', data: { unit: `u${i % 3}`, status: 'signed' } },
        { type: 't.ignored.v1', data: {} },
      ]);
  }
  await store.sequenceOnce();
});
afterAll(() => t.close());

const snapshot = async (p: Projector) => {
  const m = await p.models();
  return {
    rows: await m.model<CaseRow>('rows').find({}, { sort: { caseId: 1 } }),
    units: await m.model<UnitTotal>('units').find({}, { sort: { unit: 1 } }),
  };
};

it('builds read models from the log up to a checkpoint, and replaying changes nothing', async () => {
  const p = new Projector(t.db, store, cases);
  expect(await p.catchUp()).toBe(45);
  expect(await p.checkpoint()).toBe(await store.headPosition());
  const first = await snapshot(p);
  expect(first.units).toEqual([
    { unit: 'u0', opened: 10 },
    { unit: 'u1', opened: 10 },
    { unit: 'u2', opened: 10 },
  ]);
  expect(first.rows.find((r) => r.caseId === 'case-4')).toEqual({ caseId: 'case-4', status: 'signed', touches: 2 });
  // Replay everything again over the same generation (a crash before the checkpoint was saved).
  await t.db.collection('projection_state').updateOne({ _id: 'cases' as never }, { $set: { position: 0 } });
  await p.catchUp();
  expect(await snapshot(p)).toEqual(first);
});

it('rebuilds from position 0 into a fresh generation after the collections are dropped, equal to the original', async () => {
  const p = new Projector(t.db, store, cases);
  await p.catchUp();
  const before = await snapshot(p);
  for (const c of await t.db.listCollections({}, { nameOnly: true }).toArray())
    if (c.name.startsWith('rm_cases_')) await t.db.collection(c.name).drop();
  const r = await p.rebuild();
  expect(r.generation).toBeGreaterThan(1);
  expect(await snapshot(p)).toEqual(before);
});

it('applies a command’s events inline for read-your-writes, and the later log pass does not double-count', async () => {
  const p = new Projector(t.db, store, cases);
  await p.catchUp();
  const appended = await store.append('case-new', 'no_stream', [{ type: 't.case.opened.v1', data: { unit: 'u9', status: 'open' } }]);
  await p.applyInline(appended.events);
  const m = await p.models();
  expect(await m.model<CaseRow>('rows').get('case-new')).toEqual({ caseId: 'case-new', status: 'open', touches: 1 });
  await store.sequenceOnce();
  await p.catchUp();
  expect(await m.model<CaseRow>('rows').get('case-new')).toEqual({ caseId: 'case-new', status: 'open', touches: 1 });
  expect(await m.model<UnitTotal>('units').get('u9')).toEqual({ unit: 'u9', opened: 1 });
});

it('a document shared by many streams, written by their first events, counts each once (inserts without a read clash and fall back)', async () => {
  // Guarded by stream, keyed by unit: each case's first event finds the document made by another case.
  const members: Projection = {
    name: 'members',
    handles: ['t.case.opened.v1'],
    async apply(e: LoggedEvent | RecordedEvent, models: ReadModels) {
      const { unit } = e.data as { unit: string };
      await models
        .model<{ unit: string; cases: string[] }>('by_unit')
        .upsert(unit, e, (doc) => ({ unit, cases: [...(doc?.cases ?? []), e.streamId].sort() }));
    },
  };
  const p = new Projector(t.db, store, members, { batchSize: 7 });
  await p.catchUp();
  const inline = await store.append('case-late', 'no_stream', [{ type: 't.case.opened.v1', data: { unit: 'u0', status: 'open' } }]);
  await p.applyInline(inline.events);
  await store.sequenceOnce();
  await p.catchUp();
  const units = await (await p.models()).model<{ unit: string; cases: string[] }>('by_unit').find({}, { sort: { unit: 1 } });
  const expected = (u: number, extra: string[] = []) =>
    [
      ...Array.from({ length: 30 }, (_, i) => i)
        .filter((i) => i % 3 === u)
        .map((i) => `case-${i}`),
      ...extra,
    ].sort();
  expect(units.find((d) => d.unit === 'u0')?.cases).toEqual(expected(0, ['case-late']));
  expect(units.find((d) => d.unit === 'u1')?.cases).toEqual(expected(1));
  expect(units.find((d) => d.unit === 'u2')?.cases).toEqual(expected(2));
});
