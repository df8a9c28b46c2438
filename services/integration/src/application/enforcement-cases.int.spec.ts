// Enforcement's cases into the centre's view on the real database: a case handed over from a
// dispatch case the centre ordered (a 12345 work order) is linked to the centre as a case of its
// own, with the order's external id and report id and the enforcement stream's sequence; its
// later events are queued in order, a redelivery queues nothing; an enforcement case of another
// source never gets a sync stream.
import { uuidv7, systemClock, type LoggedEvent } from '@yiwang/kernel-core';
import { MongoEventStore } from '@yiwang/kernel-mongodb';
import { testDatabase } from '@yiwang/testing';
import { observeEnforcementEvent } from '../adapters/kafka/enforcement-cases-consumer';
import { Subscriptions, SyncService } from './sync-service';

let t: Awaited<ReturnType<typeof testDatabase>>;
let sync: SyncService;
beforeAll(async () => {
  t = await testDatabase(__filename);
  const store = new MongoEventStore(t.db, { serviceName: 'integration' });
  await store.init();
  sync = new SyncService(store, systemClock, new Subscriptions([]));
});
afterAll(() => t.close());

const logged = (streamId: string, version: number, type: string, data: object): LoggedEvent => {
  const id = uuidv7();
  const now = new Date();
  return {
    id,
    type,
    streamId,
    streamVersion: version,
    position: version,
    occurredAt: now,
    recordedAt: now,
    correlationId: id,
    causationId: null,
    actor: { subject: 'x' },
    traceparent: null,
    commandId: null,
    data,
  };
};
const dispatchEvent = (caseId: string, version: number, type: string, data: object) =>
  logged(`case-${caseId}`, version, `dispatch.case.${type}.v1`, { caseId, ...data });
const enforcementEvent = (caseId: string, version: number, type: string, data: object) =>
  logged(`enforcement-${caseId}`, version, `enforcement.case.${type}.v1`, { caseId, ...data });
const registered = (caseId: string, kind: string, ref: string) =>
  enforcementEvent(caseId, 1, 'source_registered', {
    squadId: 'squad.jiefang.1',
    district: '解放区',
    source: { kind, ref, description: '私搭乱建', location: '网格', category: 'event.01.01' },
    party: null,
    receivedAt: '2026-03-02T02:00:00.000Z',
    checkDeadline: '2026-03-20T10:00:00.000Z',
  });

it('a case from the centre’s work order is the centre’s own case, in the enforcement stream’s order', async () => {
  await sync.link({
    caseId: 'C-WO-1',
    reportId: 'R-WO-1',
    externalId: '12345-20260302-00001',
    centreDeadline: null,
    centreCategory: 'A01',
  });
  await sync.observe(
    dispatchEvent('C-WO-1', 1, 'opened', { reportId: 'R-WO-1', category: 'event.01.01', cellId: '1', district: '解放区' }),
  );
  await sync.observe(
    dispatchEvent('C-WO-1', 2, 'dispatched', { unitId: 'dept.enforcement.jiefang', deadline: '2026-03-02T10:00:00.000Z' }),
  );

  expect(await observeEnforcementEvent(sync, registered('EF-C-WO-1', 'dispatch_case', 'C-WO-1'))).toBe('linked');
  const filed = enforcementEvent('EF-C-WO-1', 2, 'filed', { cause: '擅自搭建', decisionDeadline: '2026-06-01T16:00:00.000Z' });
  expect(await observeEnforcementEvent(sync, filed)).toBe('observed');
  await observeEnforcementEvent(sync, filed); // redelivered
  await observeEnforcementEvent(sync, enforcementEvent('EF-C-WO-1', 3, 'closed', { result: '已拆除' }));

  const { state } = await sync.state('EF-C-WO-1');
  expect(state.link).toMatchObject({ caseId: 'EF-C-WO-1', reportId: 'R-WO-1', externalId: '12345-20260302-00001', centreCategory: 'A01' });
  expect(state.unacknowledged.map((u) => u.sequence)).toEqual([1, 2, 3]);
  expect(state.latest).toMatchObject({
    caseId: 'EF-C-WO-1',
    externalId: '12345-20260302-00001',
    reportId: 'R-WO-1',
    unitId: 'dept.enforcement.jiefang',
    state: 'closed',
    result: '已结案：已拆除',
  });
  // The closed-loop case is untouched by it: still the brigade's, in dispatch's own sequence.
  expect((await sync.state('C-WO-1')).state.latest).toMatchObject({ sequence: 2, state: 'dispatched' });
});

it('an enforcement case the centre does not follow gets no sync stream', async () => {
  expect(await observeEnforcementEvent(sync, registered('EF-OWN-1', 'own_discovery', ''))).toBe('skipped');
  expect(await observeEnforcementEvent(sync, registered('EF-C-UNLINKED', 'dispatch_case', 'C-UNLINKED'))).toBe('skipped');
  expect(await observeEnforcementEvent(sync, enforcementEvent('EF-OWN-1', 2, 'filed', { cause: 'x' }))).toBe('skipped');
  for (const id of ['EF-OWN-1', 'EF-C-UNLINKED']) expect((await sync.state(id)).version).toBe(0);
});
