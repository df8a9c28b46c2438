import { CATEGORY_TABLE_STREAM, cellCentre, shippedCategoryTable, shippedUnitGrid } from './domain';
import { CategoryCatalogue } from './application/category-catalogue';
import { systemClock } from '@yiwang/kernel-core';
import { startIntakeService, type RunningIntake } from './service';
import { http, quietLogger, testConfig, tokenFor, until } from './intake.test-helpers';

// Issue 4: the category table is editable per city, and each revision is recorded (real FerretDB + Kafka).
const config = testConfig(__filename);
const cells = [...shippedUnitGrid().cells.values()];
const spot = (i: number) => cellCentre(cells[i]!);

let intake: RunningIntake;
let admin: string;
let centre: string;

type Problem = { status: number; detail: string; code: string; violations?: { field: string; message: string }[] };
type Table = { revision: number; version: string; categories: { code: string }[] };

const charging = {
  family: 'event',
  major: '05',
  minor: '08',
  name: { zh: '违规设置充电桩', en: 'Unauthorised charging point' },
  deadline: { amount: 1, unit: 'working_days' },
  urgency: 'normal',
  unitType: 'enforcement',
};
const report = (category: string, i: number) =>
  http(intake.httpAddress, '/v1/reports', { body: { category, location: spot(i), description: '分类修订测试' } });
const revise = (body: unknown, token = admin) => http(intake.httpAddress, '/v1/categories/revisions', { body, token });
const stream = async () => (await intake.store.readStream(CATEGORY_TABLE_STREAM)).events;

beforeAll(async () => {
  intake = await startIntakeService(config, { logger: quietLogger() });
  admin = await tokenFor('zhou.admin', ['admin.categories'], 'bureau.it');
  centre = await tokenFor('chen.jie', ['centre.supervision']);
}, 60_000);

afterAll(async () => {
  await intake?.stop();
});

it('before any revision: the shipped table, revision 0, publicly listed', async () => {
  const r = await http(intake.httpAddress, '/v1/categories');
  expect(r.status).toBe(200);
  const table = r.json<Table>();
  expect(table.revision).toBe(0);
  expect(table.version).toBe(shippedCategoryTable().version);
  expect(table.categories.map((c) => c.code)).toContain('event.01.10');
  expect(table.categories.map((c) => c.code)).not.toContain('event.05.08');
});

it('refuses other roles (403) and a bad code (400 naming it), appending nothing', async () => {
  const body = { reason: '新增充电桩', categories: { added: [charging] } };
  expect((await revise(body, centre)).status).toBe(403);
  expect((await http(intake.httpAddress, '/v1/categories/revisions', { body })).status).toBe(401);

  const unknownMajor = await revise({ reason: '错误', categories: { added: [{ ...charging, major: '77' }] } });
  expect(unknownMajor.status).toBe(400);
  expect(unknownMajor.headers.get('content-type')).toContain('application/problem+json');
  expect(unknownMajor.json<Problem>().detail).toContain('event.77.08');
  expect(unknownMajor.json<Problem>().violations?.[0]).toMatchObject({
    field: 'categories.added[0].major',
    message: expect.stringContaining('event.77.08'),
  });

  const badUrgency = await revise({ reason: '错误', categories: { added: [{ ...charging, urgency: 'asap' }] } });
  expect(badUrgency.status).toBe(400);
  expect(badUrgency.json<Problem>().detail).toContain('event.05.08');

  const removeUnknown = await revise({ reason: '错误', categories: { removed: ['event.05.42'] } });
  expect(removeUnknown.status).toBe(400);
  expect(removeUnknown.json<Problem>().detail).toContain('event.05.42');

  const schema = await revise({ reason: '错误', categories: { added: [{ ...charging, minor: '8' }] } });
  expect(schema.status).toBe(400);
  expect(schema.json<Problem>().violations?.[0]?.field).toContain('categories.added.0.minor');

  expect(await stream()).toEqual([]);
});

it('a revision (add one, remove one) is recorded, applies at once here and on another replica', async () => {
  const replica = await CategoryCatalogue.start({
    store: intake.store,
    clock: systemClock,
    shipped: shippedCategoryTable(),
    refreshIntervalMs: 100,
  });
  try {
    const r = await revise({
      reason: '新增充电桩，取消 event.01.10',
      version: '2025.2',
      expectedVersion: 0,
      categories: { added: [charging], removed: ['event.01.10'] },
    });
    expect(r.status).toBe(201);
    // Revision 1 records the shipped table as the baseline, revision 2 the city's edit.
    expect(r.json()).toMatchObject({
      revision: 2,
      version: '2025.2',
      recorded: true,
      added: ['event.05.08'],
      changed: [],
      removed: ['event.01.10'],
    });

    const events = await stream();
    expect(events.map((e) => e.type)).toEqual(['intake.category_table.revised.v1', 'intake.category_table.revised.v1']);
    expect(events[1]!.data).toMatchObject({
      revision: 2,
      version: '2025.2',
      revisedBy: 'zhou.admin',
      diff: {
        categories: { added: [{ code: 'event.05.08' }], changed: [], removed: ['event.01.10'] },
        majors: { added: [], changed: [], removed: [] },
      },
    });

    const listed = (await http(intake.httpAddress, '/v1/categories')).json<Table>();
    expect(listed).toMatchObject({ revision: 2, version: '2025.2' });
    expect(listed.categories.map((c) => c.code)).toContain('event.05.08');
    expect(listed.categories.map((c) => c.code)).not.toContain('event.01.10');

    const accepted = await report('event.05.08', 1);
    expect(accepted.status).toBe(201);
    const removed = await report('event.01.10', 2);
    expect(removed.status).toBe(400);
    expect(removed.json<Problem>()).toMatchObject({
      detail: 'unknown category event.01.10',
      violations: [{ field: 'category', message: 'not in category table 2025.2' }],
    });

    // Open311's service list follows the table too.
    const services = (await http(intake.httpAddress, '/open311/v2/services.json'))
      .json<{ service_code: string }[]>()
      .map((s) => s.service_code);
    expect(services).toContain('event.05.08');
    expect(services).not.toContain('event.01.10');

    await until(async () => replica.current().categories.has('event.05.08' as never), 5_000, 'the other replica to refresh');
    expect(replica.revision).toBe(2);
  } finally {
    replica.stop();
  }
});

it('a stale expected version is a 409, nothing appended; the same edit again records nothing', async () => {
  const stale = await revise({ reason: '恢复', expectedVersion: 0, categories: { removed: ['event.05.08'] } });
  expect(stale.status).toBe(409);
  expect(stale.json<Problem>().code).toBe('CONCURRENCY');
  expect(await stream()).toHaveLength(2);

  const same = await revise({ reason: '重复', version: '2025.2', categories: { changed: [charging] } });
  expect(same.status).toBe(200);
  expect(same.json()).toMatchObject({ revision: 2, recorded: false });

  const changed = await revise({
    reason: '时限调整',
    expectedVersion: 2,
    categories: { changed: [{ ...charging, deadline: { amount: 2, unit: 'working_days' } }] },
  });
  expect(changed.status).toBe(201);
  expect(changed.json()).toMatchObject({ revision: 3, changed: ['event.05.08'] });
  expect(await stream()).toHaveLength(3);
});
