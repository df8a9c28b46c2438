// The records projection against the real database: built from the log, replayed over itself
// (guards make it idempotent) and rebuilt into a fresh generation — the same documents each time.
import { randomBytes } from 'node:crypto';
import { TestClock } from '@yiwang/kernel-core';
import { MongoEventStore, PersonalDataVault, Projector, mongoVaultKeys } from '@yiwang/kernel-mongodb';
import { testDatabase } from '@yiwang/testing';
import { shippedCameraRegister, shippedCityGrid } from '../../domain';
import { calendar, people, rules } from '../../parking.test-helpers';
import { ParkingApp } from '../parking-app';
import { PlateKeys } from '../plate-keys';
import { parkingRecordsProjection } from './parking-records';
import { MODELS, type OpenNoticesDoc, type ViolationDoc, type WeeklyDoc } from './read-model-docs';

let t: Awaited<ReturnType<typeof testDatabase>>;
let projector: Projector;
let app: ParkingApp;

beforeAll(async () => {
  t = await testDatabase(__filename);
  const store = new MongoEventStore(t.db, { serviceName: 'parking' });
  await store.init();
  const master = randomBytes(32);
  projector = new Projector(t.db, store, parkingRecordsProjection);
  app = new ParkingApp({
    store,
    clock: new TestClock('2026-03-02T10:00:00+08:00'),
    calendar,
    rules,
    cameras: shippedCameraRegister(),
    grid: shippedCityGrid(),
    vault: new PersonalDataVault(mongoVaultKeys(t.db), master),
    plateKeys: PlateKeys.fromConfig([], master),
    models: () => projector.models(),
  });
  const officer = people.officer;
  for (let i = 0; i < 6; i++) {
    const id = `V-${i}`;
    const vehicle = await app.vehicle(i % 2 === 0 ? '豫H12345' : `豫J2000${i}`, 'small_car');
    const location = app.locate(35.2401 + i * 0.002, 113.2337, '人民路');
    await app.violation(
      id,
      (at) => ({
        type: 'RecordViolation',
        actor: officer,
        data: {
          violationId: id,
          source: 'officer',
          camera: null,
          cameraId: '',
          vehicle,
          location,
          kind: 'pavement',
          space: null,
          parkedSince: '',
          observedAt: at,
          photoRefs: ['p.jpg'],
          squad: officer.department,
          obstructing: false,
          dispatchCaseId: '',
          at,
        },
      }),
      { actor: officer },
    );
    if (i < 2) await app.violation(id, (at) => ({ type: 'WarnDriver', actor: officer, data: { complied: true, at } }), { actor: officer });
    else
      await app.violation(id, (at) => ({ type: 'IssueNotice', actor: officer, data: { noticeNo: `N-${i}`, fine: null, at } }), {
        actor: officer,
      });
  }
  await app.violation('V-4', (at) => ({ type: 'EraseViolationPersonalData', actor: people.privacy, data: { at } }), {
    actor: people.privacy,
  });
  await store.sequenceOnce();
});
afterAll(() => t.close());

const snapshot = async () => {
  const m = await projector.models();
  return {
    violations: await Promise.all(['V-0', 'V-1', 'V-2', 'V-3', 'V-4', 'V-5'].map((id) => m.model<ViolationDoc>(MODELS.violations).get(id))),
    weekly: await m.model<WeeklyDoc>(MODELS.weekly).get('2026-03-02|district|解放区'),
    plates: await Promise.all(app.deps.plateKeys.allHashes('豫H12345').map((h) => m.model(MODELS.plates).get(h))),
    deadlines: await m.model(MODELS.deadlines).get('violation:V-2'),
    openNotices: await m.model<OpenNoticesDoc>(MODELS.openNotices).get(people.officer.department),
  };
};

it('builds the records, the week row, the plate history, the open notices and the deadlines from the log', async () => {
  await projector.catchUp();
  const first = await snapshot();
  expect(first.violations.map((v) => v?.status)).toEqual(['closed', 'closed', 'noticed', 'noticed', 'noticed', 'noticed']);
  expect(first.weekly?.counts).toMatchObject({ recorded: 6, movedOn: 2, notices: 4 });
  // V-0, V-2 and V-4 share a plate; V-4 was erased and left the history.
  // Its last violation per spot merges later camera findings; the erased one merges nothing.
  expect(first.plates[0]).toEqual({
    violationIds: ['V-0', 'V-2'],
    spots: [
      { spot: 'P0140-0233|人民路', violationId: 'V-0', observedMs: expect.any(Number) as number },
      { spot: 'P0144-0233|人民路', violationId: 'V-2', observedMs: expect.any(Number) as number },
    ],
  });
  expect(first.violations[4]).toMatchObject({ erased: true, plateSealed: '' });
  expect(first.deadlines).toMatchObject({ action: 'transfer', subjectId: 'V-2', due: '2026-03-11T10:00:00.000Z' });
  expect(first.openNotices?.items.map((x) => x.violationId)).toEqual(['V-2', 'V-3', 'V-4', 'V-5']);
  expect(JSON.stringify(first)).not.toContain('豫H12345');

  await t.db.collection('projection_state').updateOne({ _id: 'parking_records' as never }, { $set: { position: 0 } });
  await projector.catchUp();
  expect(await snapshot()).toEqual(first);

  await projector.rebuild();
  expect(await snapshot()).toEqual(first);
});
