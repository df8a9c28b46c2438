import { MongoEventStore, Projector } from '@yiwang/kernel-mongodb';
import { testDatabase } from '@yiwang/testing';
import { closedEvent, filed, location, received, REPORT_ID } from '../../domain/report/report-fixtures';
import { reportStreamId } from '../../domain';
import { indexModels, openKeysAround, REPORT_INDEX_PROJECTION, reportIndexProjection } from './report-index-projection';
import { reportModels, reportsProjection } from './reports-projection';

let t: Awaited<ReturnType<typeof testDatabase>>;
let store: MongoEventStore;
beforeAll(async () => {
  t = await testDatabase(__filename);
  store = new MongoEventStore(t.db, { serviceName: 'intake-proj' });
  await store.init();
  const stream = reportStreamId(REPORT_ID);
  await store.append(stream, 'no_stream', [received('inspector', { trackingToken: 'tok-12345678' }), filed('rule')]);
  await store.append('report-other', 'no_stream', [
    { ...received('camera', { reportId: 'other' as never }) },
    { ...filed('rule'), data: { ...filed('rule').data, reportId: 'other' } } as never,
  ]);
  await store.append(stream, 2, [closedEvent]);
  await store.sequenceOnce();
});
afterAll(() => t.close());

it('reports: replaying the log twice (and a rebuild) gives the same documents', async () => {
  const p = new Projector(t.db, store, reportsProjection);
  await p.catchUp();
  const m = reportModels(await p.models());
  const first = await m.byId.get(REPORT_ID);
  expect(first).toMatchObject({ status: 'closed', caseId: 'C1', channel: 'inspector' });
  expect(await m.byToken.get('tok-12345678')).toEqual({ reportId: REPORT_ID });
  await t.db.collection('projection_state').updateOne({ _id: 'reports' as never }, { $set: { position: 0 } });
  await p.catchUp();
  expect(await reportModels(await p.models()).byId.get(REPORT_ID)).toEqual(first);
  await p.rebuild();
  expect(await reportModels(await p.models()).byId.get(REPORT_ID)).toEqual(first);
});

it('report index: open reports per category and tile (closed ones leave), ids per day; idempotent on replay', async () => {
  const p = new Projector(t.db, store, reportIndexProjection(72));
  await p.catchUp();
  const snapshot = async () => {
    const m = indexModels(await p.models());
    const around = await Promise.all(openKeysAround('event.01.02', location).map((k) => m.open.get(k)));
    return { open: around.flatMap((d) => d?.open ?? []), day: await m.byDay.get('2025-03-03') };
  };
  const first = await snapshot();
  expect(first.open.map((e) => e.r)).toEqual(['other']);
  expect(first.day?.reports).toEqual([REPORT_ID, 'other']);
  await t.db.collection('projection_state').updateOne({ _id: REPORT_INDEX_PROJECTION as never }, { $set: { position: 0 } });
  await p.catchUp();
  expect(await snapshot()).toEqual(first);
});
