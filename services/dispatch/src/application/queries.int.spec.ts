// GetCase reads one read-model document by `_id`: the history and the unit check come from it, a
// command's version is waited for (read-your-writes), and documents from before the history was
// kept are still answered (from the stream) until a rebuild.
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { ForbiddenError, NotFoundError, TestClock } from '@yiwang/kernel-core';
import { documentsKeptFor, MongoEventStore, MongoReadModels, Projector } from '@yiwang/kernel-mongodb';
import { testDatabase, testServers } from '@yiwang/testing';
import { businessCalendar, shippedIndicatorConfig, shippedResponsibilityMatrix, type Actor } from '../domain';
import { CaseService } from './case-service';
import { filedReportHandler } from './filed-report-router';
import { caseListsProjection, MODELS } from './projections/case-lists';
import { DispatchQueries } from './queries';

let t: Awaited<ReturnType<typeof testDatabase>>;
let monitored: MongoClient;
let store: MongoEventStore;
let cases: CaseService;
let lists: Projector;
let queries: DispatchQueries;
const commands: CommandStartedEvent[] = [];
const clock = new TestClock('2025-03-03T10:00:00+08:00');
const sanitation: Actor = { subject: 'wang.li', department: 'dept.sanitation.jiefang', roles: [] };
const municipal: Actor = { subject: 'zhao.min', department: 'dept.municipal.jiefang', roles: [] };
const centre: Actor = { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] };

const open = async (reportId: string): Promise<string> => {
  const data = {
    reportId,
    category: { code: 'event.01.02', urgency: 'normal', unitType: 'sanitation', deadline: { amount: 4, unit: 'working_hours' } },
    cell: { cellId: '410802001001001', district: '解放区' },
    filedAt: '2025-03-03T01:00:00Z',
  };
  await filedReportHandler(cases)({
    id: `e-${reportId}`,
    type: 'intake.report.filed.v1',
    data,
    correlationId: reportId,
    traceparent: null,
  } as never);
  return `C-${reportId}`;
};
const project = async () => {
  await store.sequenceOnce();
  await lists.catchUp();
};

beforeAll(async () => {
  t = await testDatabase(__filename);
  store = new MongoEventStore(t.db, { serviceName: 'dispatch' });
  await store.init();
  cases = new CaseService(store, clock, businessCalendar(), shippedResponsibilityMatrix());
  lists = new Projector(t.db, store, caseListsProjection);
  // The queries read through a client of their own that records every command it sends.
  monitored = await MongoClient.connect(testServers().mongoUri, { monitorCommands: true });
  monitored.on('commandStarted', (e) => commands.push(e));
  const db = monitored.db(t.db.databaseName);
  queries = new DispatchQueries({
    store: new MongoEventStore(db, { serviceName: 'dispatch' }),
    clock,
    matrix: shippedResponsibilityMatrix(),
    indicators: shippedIndicatorConfig(),
    caseModels: async () => new MongoReadModels(db, caseListsProjection.name, 1),
    indicatorModels: async () => new MongoReadModels(db, 'dispatch_indicators', 1),
  });
});
afterAll(async () => {
  await monitored?.close();
  await t?.close();
});

it('answers from the case document alone: one find by _id, the history as stored in the stream', async () => {
  const id = await open('R-read-1');
  await cases.execute(id, ({ at }) => ({ type: 'SignFor', actor: sanitation, data: { at } }), { actor: sanitation });
  await project();

  commands.length = 0;
  const { summary, history } = await queries.getCase(id, sanitation);
  expect(commands.map((c) => [c.commandName, c.command[c.commandName], c.command['filter']])).toEqual([
    ['find', `rm_dispatch_cases_${MODELS.cases}_g1`, { _id: id }],
  ]);
  expect(summary).toMatchObject({ caseId: id, status: 'handling', unitId: 'dept.sanitation.jiefang', version: 3 });
  const { events } = await store.readStream(`case-${id}`);
  expect(history).toEqual(
    events.map((e) => ({ version: e.streamVersion, type: e.type, occurredAt: e.occurredAt.toISOString(), actor: e.actor, data: e.data })),
  );
});

it('lets a unit read only the cases ever dispatched to it (a returned and re-dispatched case: both units)', async () => {
  const id = await open('R-read-2');
  await expect(queries.getCase(id, municipal)).rejects.toThrow(NotFoundError); // not projected yet
  await project();
  await expect(queries.getCase(id, municipal)).rejects.toThrow(ForbiddenError);
  await cases.execute(id, ({ at }) => ({ type: 'ApplyForReturn', actor: sanitation, data: { reasons: ['not_our_remit'], note: '', at } }), {
    actor: sanitation,
  });
  await cases.execute(id, ({ at }) => ({ type: 'DecideReturn', actor: centre, data: { approve: true, note: '', at } }), { actor: centre });
  const r = await cases.execute(
    id,
    ({ at }) => ({
      type: 'Redispatch',
      actor: centre,
      data: { unitId: 'dept.municipal.jiefang', deadline: '2025-03-04T10:00:00.000Z', at },
    }),
    { actor: centre },
  );
  await project();
  // The queries' process read the case a moment ago: the version its caller knows is asked for.
  expect((await queries.getCase(id, municipal, { minVersion: r.version })).summary).toMatchObject({
    unitId: 'dept.municipal.jiefang',
    version: r.version,
  });
  expect((await queries.getCase(id, sanitation)).summary.version).toBe(r.version);
  await expect(queries.getCase(id, { subject: 'x', department: 'dept.landscape.jiefang', roles: [] })).rejects.toThrow(ForbiddenError);
});

it("waits for the projector to reach a command's version (noted by this process, or asked for as minVersion)", async () => {
  const id = await open('R-read-3');
  await project();
  const signed = await cases.execute(id, ({ at }) => ({ type: 'SignFor', actor: sanitation, data: { at } }), { actor: sanitation });
  // Not projected yet: without a version to wait for, the view is the older one.
  expect((await queries.getCase(id, centre)).summary.version).toBe(signed.version - 1);

  const asked = queries.getCase(id, centre, { minVersion: signed.version });
  await project();
  expect((await asked).summary).toMatchObject({ version: signed.version, status: 'handling' });

  const handled = await cases.execute(
    id,
    ({ at }) => ({ type: 'ReportHandling', actor: sanitation, data: { notes: '已处理', photoRefs: [], at } }),
    { actor: sanitation },
  );
  queries.noteWritten(id, handled.version);
  const noted = queries.getCase(id, sanitation);
  await project();
  expect((await noted).summary).toMatchObject({ version: handled.version, status: 'awaiting_verification' });
});

it('answers from the stream when the projector has not reached a known version within the wait', async () => {
  const id = await open('R-read-5');
  await project();
  const signed = await cases.execute(id, ({ at }) => ({ type: 'SignFor', actor: sanitation, data: { at } }), { actor: sanitation });
  await store.sequenceOnce();
  // The projector does not run (a projector far behind): the view stays at the dispatched version,
  // yet a caller who knows the signed version never gets the older view.
  const { summary, history } = await queries.getCase(id, sanitation, { minVersion: signed.version });
  expect(summary).toMatchObject({ version: signed.version, status: 'handling', unitId: 'dept.sanitation.jiefang' });
  expect(history.map((h) => h.type)).toEqual(['dispatch.case.opened.v1', 'dispatch.case.dispatched.v1', 'dispatch.case.signed_for.v1']);
  await project();
});

it('answers a case document written before documents kept their history from the stream', async () => {
  const id = await open('R-read-4');
  await project();
  const collection = t.db.collection(`rm_dispatch_cases_${MODELS.cases}_g1`);
  await collection.updateOne({ _id: id as never }, { $unset: { history: '', units: '' } });
  // Written before this process started: the projector's process kept no copy of it.
  documentsKeptFor(t.db).forgetCollection(collection.collectionName);
  const { summary, history } = await queries.getCase(id, sanitation);
  expect(summary).toMatchObject({ caseId: id, status: 'dispatched', version: 2 });
  expect(history.map((h) => h.type)).toEqual(['dispatch.case.opened.v1', 'dispatch.case.dispatched.v1']);
  await expect(queries.getCase(id, municipal)).rejects.toThrow(ForbiddenError);
  // Later events leave it without a partial history; a rebuild gives every document its history.
  await cases.execute(id, ({ at }) => ({ type: 'SignFor', actor: sanitation, data: { at } }), { actor: sanitation });
  await project();
  expect(await collection.findOne({ _id: id as never })).not.toHaveProperty('history');
  expect((await queries.getCase(id, sanitation)).history).toHaveLength(3);
});
