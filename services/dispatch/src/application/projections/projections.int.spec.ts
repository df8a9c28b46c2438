// The dispatch projections replay to the same read models: a live pass, a second pass over the
// same generation (a crash before the checkpoint), and a rebuild into a fresh generation.
import type { ReadModels } from '@yiwang/kernel-core';
import { MongoEventStore, Projector, MongoReadModels } from '@yiwang/kernel-mongodb';
import { testDatabase } from '@yiwang/testing';
import { businessCalendar, shippedResponsibilityMatrix, type Actor } from '../../domain';
import { TestClock } from '@yiwang/kernel-core';
import { CaseService } from '../case-service';
import { filedReportHandler } from '../filed-report-router';
import { caseListsProjection, MODELS, type BucketDoc } from './case-lists';
import { caseIndicatorsProjection, INDICATOR_MODELS } from './case-indicators';

let t: Awaited<ReturnType<typeof testDatabase>>;
let store: MongoEventStore;
const unit: Actor = { subject: 'wang.li', department: 'dept.sanitation.jiefang', roles: [] };
const inspector: Actor = { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] };

beforeAll(async () => {
  t = await testDatabase(__filename);
  store = new MongoEventStore(t.db, { serviceName: 'dispatch' });
  await store.init();
  const cases = new CaseService(store, new TestClock('2025-03-03T10:00:00+08:00'), businessCalendar(), shippedResponsibilityMatrix());
  const open = filedReportHandler(cases);
  for (let i = 0; i < 6; i++) {
    const reportId = `R-${i}`;
    const data = {
      reportId,
      category: { code: 'event.01.02', urgency: 'normal', unitType: 'sanitation', deadline: { amount: 4, unit: 'working_hours' } },
      cell: { cellId: '410802001001001', district: '解放区' },
      filedAt: '2025-03-03T01:00:00Z',
    };
    await open({ id: `e-${i}`, type: 'intake.report.filed.v1', data, correlationId: `c-${i}`, traceparent: null } as never);
    const caseId = `C-${reportId}`;
    if (i % 2 === 0) await cases.execute(caseId, ({ at }) => ({ type: 'SignFor', actor: unit, data: { at } }), { actor: unit });
    if (i === 0 || i === 4) {
      await cases.execute(caseId, ({ at }) => ({ type: 'ReportHandling', actor: unit, data: { notes: '已处理', photoRefs: [], at } }), {
        actor: unit,
      });
      await cases.execute(
        caseId,
        ({ at }) => ({ type: 'Verify', actor: inspector, data: { outcome: 'passed', notes: '', photoRefs: [], at } }),
        { actor: inspector },
      );
    }
  }
  await store.sequenceOnce();
});
afterAll(() => t.close());

const snapshot = async (models: ReadModels) => ({
  cases: await models.model(MODELS.cases).find({}, { sort: { _id: 1 } }),
  buckets: await models.model(MODELS.buckets).find({}, { sort: { _id: 1 } }),
  deadlines: await models.model(MODELS.deadlines).find({}, { sort: { _id: 1 } }),
  weeks: await models.model(INDICATOR_MODELS.weeks).find({}, { sort: { _id: 1 } }),
});

it('replaying the log twice, and rebuilding, gives the same read models', async () => {
  const lists = new Projector(t.db, store, caseListsProjection);
  const counters = new Projector(t.db, store, caseIndicatorsProjection(store), {});
  await lists.catchUp();
  await counters.catchUp();
  const merged = async () => {
    const [a, b] = [await snapshot(await lists.models()), await snapshot(await counters.models())];
    return { cases: a.cases, buckets: a.buckets, deadlines: a.deadlines, weeks: b.weeks };
  };
  const first = await merged();
  expect(first.cases).toHaveLength(6);
  expect(first.deadlines).toHaveLength(4); // the two closed cases have no running deadline
  const open = await (await lists.models()).model<BucketDoc>(MODELS.buckets).get('open:dept.sanitation.jiefang');
  expect(open?.cases).toHaveLength(4);
  expect((first.weeks[0]?.['rows'] as unknown[]).length).toBe(6);

  for (const name of ['dispatch_cases', 'dispatch_indicators'])
    await t.db.collection('projection_state').updateOne({ _id: name as never }, { $set: { position: 0 } });
  await lists.catchUp();
  await counters.catchUp();
  expect(await merged()).toEqual(first);

  await lists.rebuild();
  await counters.rebuild();
  expect(await merged()).toEqual(first);
});

it('applying event by event and in batches of any size gives the same read models', async () => {
  const events = await store.readAll({ after: 0 });
  const projections = [caseListsProjection, caseIndicatorsProjection(store)];
  const project = async (generation: number, batchSize: number | null) => {
    for (const p of projections) {
      const models = new MongoReadModels(t.db, p.name, generation);
      const handled = events.filter((e) => p.handles.includes(e.type));
      if (batchSize === null) for (const e of handled) await p.apply(e, models);
      else for (let i = 0; i < handled.length; i += batchSize) await p.applyBatch!(handled.slice(i, i + batchSize), models);
    }
    const [lists, counters] = projections.map((p) => new MongoReadModels(t.db, p.name, generation)) as [MongoReadModels, MongoReadModels];
    const a = await snapshot(lists);
    return { cases: a.cases, buckets: a.buckets, deadlines: a.deadlines, weeks: (await snapshot(counters)).weeks };
  };
  const one = await project(101, null);
  expect(one.cases).toHaveLength(6);
  expect(one.buckets.length).toBeGreaterThan(1);
  for (const [generation, size] of [
    [102, 1],
    [103, 4],
    [104, 1000],
  ] as const)
    expect(await project(generation, size)).toEqual(one);
});
