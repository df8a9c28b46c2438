// The reporter's case view against the real MongoDB-wire server: replaying the same events gives the
// same documents, a stale or repeated event changes nothing, an event of an unknown case is refused.
import { uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { testDatabase } from '@yiwang/testing';
import { CaseProgressReadModel, UnknownCaseError } from './case-progress-read-model';
import { shippedUnitDirectory } from './unit-directory';

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(async () => t.close());

let position = 0;
function caseEvents(reportId: string, caseId: string): LoggedEvent[] {
  const steps: Array<[string, Record<string, unknown>]> = [
    ['opened', { caseId, reportId, category: 'event.01.02', openedAt: '2025-03-03T02:00:00Z' }],
    [
      'dispatched',
      {
        caseId,
        unitId: 'dept.sanitation.jiefang',
        deadline: '2025-03-03T06:00:00Z',
        dispatchedAt: '2025-03-03T02:00:01Z',
        kind: 'initial',
      },
    ],
    ['signed_for', { caseId, unitId: 'dept.sanitation.jiefang', signedAt: '2025-03-03T02:10:00Z', by: 'wang.li' }],
    [
      'handling_reported',
      { caseId, unitId: 'dept.sanitation.jiefang', notes: '已清运', photoRefs: [], reportedAt: '2025-03-03T03:00:00Z' },
    ],
    ['verified', { caseId, inspector: 'sun.hao', outcome: 'passed', verifiedAt: '2025-03-03T04:00:00Z' }],
    ['closed', { caseId, reportId, unitId: 'dept.sanitation.jiefang', onTime: true, closedAt: '2025-03-03T04:00:00Z' }],
  ];
  return steps.map(([step, data], i) => {
    const now = new Date();
    return {
      id: uuidv7(),
      type: `dispatch.case.${step}.v1`,
      streamId: `case-${caseId}`,
      streamVersion: i + 1,
      position: ++position,
      occurredAt: now,
      recordedAt: now,
      correlationId: 'c',
      causationId: null,
      actor: { subject: 'dispatch' },
      traceparent: null,
      commandId: null,
      data,
    };
  });
}

describe('CaseProgressReadModel', () => {
  it('replaying every event again leaves the same document; a stale dispatch after closure changes nothing', async () => {
    const model = new CaseProgressReadModel(t.db, shippedUnitDirectory());
    const events = caseEvents('R-a', 'C-R-a');
    const applied: boolean[] = [];
    for (const e of events) applied.push(await model.apply(e));
    expect(applied).toEqual([true, true, true, true, false, true]); // `verified` is not followed: closure says it
    const once = await model.forReport('R-a');
    expect(once).toMatchObject({
      step: 'closed',
      unit: { id: 'dept.sanitation.jiefang', name: { zh: '解放区环卫处' } },
      deadline: '2025-03-03T06:00:00Z',
      closedAt: '2025-03-03T04:00:00Z',
      handlingNotes: '已清运',
    });

    for (const e of events) expect(await model.apply(e)).toBe(false);
    // The same dispatch re-published under a new id (the inbox cannot catch it): the version guard does.
    expect(await model.apply({ ...events[1]!, id: uuidv7() })).toBe(false);
    expect(await model.forReport('R-a')).toEqual(once);
  });

  it('refuses an event of a case whose opening it never saw, and has nothing for a report without a case', async () => {
    const model = new CaseProgressReadModel(t.db, shippedUnitDirectory());
    const [, dispatched] = caseEvents('R-b', 'C-R-b');
    await expect(model.apply(dispatched!)).rejects.toBeInstanceOf(UnknownCaseError);
    expect(await model.forReport('R-b')).toBeNull();
  });
});
