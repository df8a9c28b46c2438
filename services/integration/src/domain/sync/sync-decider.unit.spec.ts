import { deciderSpec, IllegalStateError } from '@yiwang/kernel-core';
import { syncDecider, type SyncCommand } from './sync-decider';
import { SYNC_EVENT_TYPES, type CaseUpdate, type SyncEvent } from './sync-events';

const spec = deciderSpec(syncDecider);
const at = '2026-11-23T02:00:00.000Z';
const caseId = 'C-R-1';

const observe = (sequence: number, type: string, data: Record<string, unknown>, subscribed = false): SyncCommand => ({
  type: 'ObserveCaseEvent',
  data: { caseId, eventId: `e${sequence}`, sequence, change: { type, data }, occurredAt: at, at, subscribed },
});
const opened = observe(1, 'dispatch.case.opened.v1', { caseId, reportId: 'R-1', category: 'event.01.02', openedAt: at });
const dispatched = observe(2, 'dispatch.case.dispatched.v1', {
  caseId,
  unitId: 'dept.sanitation.jiefang',
  deadline: '2026-11-23T14:00:00+08:00',
  kind: 'initial',
});

const update = (sequence: number, over: Partial<CaseUpdate> = {}): CaseUpdate => ({
  eventId: `e${sequence}`,
  caseId,
  sequence,
  state: 'registered',
  unitId: null,
  deadline: null,
  result: '',
  occurredAt: at,
  queuedAt: at,
  eventType: 'dispatch.case.opened.v1',
  kind: 'change',
  overdue: false,
  category: 'event.01.02',
  externalId: null,
  reportId: 'R-1',
  ...over,
});
const link = { caseId, reportId: 'R-1', externalId: 'WO-1', centreDeadline: null, centreCategory: 'SR-0102', linkedAt: at };
const linked: SyncEvent = { type: SYNC_EVENT_TYPES.linked, data: { ...link, source: 'work_order' } };

describe('sync decider', () => {
  it('holds the events of a case the centre has no interest in (yet)', () => {
    spec
      .given([])
      .when(opened)
      .then([{ type: SYNC_EVENT_TYPES.observed, data: { update: update(1) } }]);
  });

  it('queues the events of a linked case, with the state the centre sees', () => {
    spec
      .given([linked, { type: SYNC_EVENT_TYPES.queued, data: { update: update(1, { externalId: 'WO-1' }) } }])
      .when(dispatched)
      .then([
        {
          type: SYNC_EVENT_TYPES.queued,
          data: {
            update: update(2, {
              state: 'dispatched',
              unitId: 'dept.sanitation.jiefang',
              deadline: '2026-11-23T14:00:00+08:00',
              eventType: 'dispatch.case.dispatched.v1',
              externalId: 'WO-1',
            }),
          },
        },
      ]);
  });

  it('releases held updates in order when the work order is linked after its case events arrived', () => {
    spec
      .given([{ type: SYNC_EVENT_TYPES.observed, data: { update: update(1) } }])
      .when({ type: 'LinkCase', data: link })
      .then([linked, { type: SYNC_EVENT_TYPES.queued, data: { update: update(1, { externalId: 'WO-1' }) } }]);
  });

  it('ignores a redelivered case event and a resent work order', () => {
    const history: SyncEvent[] = [linked, { type: SYNC_EVENT_TYPES.queued, data: { update: update(1) } }];
    spec.given(history).when(opened).then([]);
    spec.given(history).when({ type: 'LinkCase', data: link }).then([]);
  });

  it('links subscribed cases on their own, without an external id', () => {
    spec
      .given([])
      .when(observe(1, 'dispatch.case.opened.v1', { caseId, reportId: 'R-1', category: 'event.01.02' }, true))
      .then([
        {
          type: SYNC_EVENT_TYPES.linked,
          data: {
            caseId,
            reportId: 'R-1',
            externalId: null,
            source: 'subscription',
            centreDeadline: null,
            centreCategory: null,
            linkedAt: at,
          },
        },
        { type: SYNC_EVENT_TYPES.queued, data: { update: update(1) } },
      ]);
  });

  it('records acknowledgements once, with the highest sequence', () => {
    const history: SyncEvent[] = [
      linked,
      { type: SYNC_EVENT_TYPES.queued, data: { update: update(1) } },
      { type: SYNC_EVENT_TYPES.queued, data: { update: update(2) } },
    ];
    spec
      .given(history)
      .when({ type: 'AcknowledgeUpdates', data: { eventIds: ['e2', 'e1', 'unknown'], at } })
      .then([{ type: SYNC_EVENT_TYPES.acknowledged, data: { caseId, eventIds: ['e1', 'e2'], sequence: 2, acknowledgedAt: at } }]);
    spec
      .given([
        ...history,
        { type: SYNC_EVENT_TYPES.acknowledged, data: { caseId, eventIds: ['e1', 'e2'], sequence: 2, acknowledgedAt: at } },
      ])
      .when({ type: 'AcknowledgeUpdates', data: { eventIds: ['e1'], at } })
      .then([]);
  });

  it('repairs with the latest state under a new event id', () => {
    const centre = { state: 'dispatched' as const, sequence: 1, unitId: null };
    spec
      .given([linked, { type: SYNC_EVENT_TYPES.queued, data: { update: update(1) } }])
      .when({ type: 'RepairCentreCopy', data: { eventId: 'r1', reason: 'state differs', centre, at } })
      .then([
        {
          type: SYNC_EVENT_TYPES.repairQueued,
          data: { update: update(1, { eventId: 'r1', kind: 'repair' }), reason: 'state differs', centre },
        },
      ]);
    spec
      .given([])
      .when({ type: 'RepairCentreCopy', data: { eventId: 'r1', reason: 'x', centre, at } })
      .thenThrows(IllegalStateError);
  });
});
