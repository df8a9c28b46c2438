// The reporter's view of a case, folded from dispatch's case events: given events → the view and
// what Open311 / the token follow-up say.
import { type ReportView } from '../projections/reports-projection';
import { evolveCaseProgress, type CaseProgress, type CaseProgressEvent } from './case-progress';
import { toCaseProgressEvent } from './case-progress-read-model';
import { reporterStatus, shanghaiMinute } from './reporter-status';
import { UnitDirectory } from './unit-directory';

const units = new UnitDirectory([{ id: 'dept.sanitation.jiefang', name: { zh: '解放区环卫处', en: 'Jiefang Sanitation Office' } }]);
const caseId = 'C-R-1';

const ev = {
  opened: { type: 'dispatch.case.opened.v1', data: { caseId, reportId: 'R-1', openedAt: '2025-03-03T02:00:00Z' } },
  dispatched: {
    type: 'dispatch.case.dispatched.v1',
    data: { caseId, unitId: 'dept.sanitation.jiefang', deadline: '2025-03-03T06:00:00Z', dispatchedAt: '2025-03-03T02:00:01Z' },
  },
  signed: { type: 'dispatch.case.signed_for.v1', data: { caseId, unitId: 'dept.sanitation.jiefang', signedAt: '2025-03-03T02:10:00Z' } },
  handled: (notes: string, at: string) => ({ type: 'dispatch.case.handling_reported.v1', data: { caseId, notes, reportedAt: at } }),
  rework: {
    type: 'dispatch.case.rework_ordered.v1',
    data: { caseId, deadline: '2025-03-03T09:00:00Z', orderedAt: '2025-03-03T04:00:00Z' },
  },
  closed: {
    type: 'dispatch.case.closed.v1',
    data: { caseId, reportId: 'R-1', unitId: 'dept.sanitation.jiefang', onTime: true, closedAt: '2025-03-03T05:00:00Z' },
  },
  returnRequested: { type: 'dispatch.case.return_requested.v1', data: { caseId, requestedAt: '2025-03-03T02:20:00Z' } },
  returnRejected: { type: 'dispatch.case.return_rejected.v1', data: { caseId, decidedAt: '2025-03-03T02:30:00Z' } },
  returnApproved: { type: 'dispatch.case.return_approved.v1', data: { caseId, decidedAt: '2025-03-03T02:30:00Z' } },
  redispatched: {
    type: 'dispatch.case.dispatched.v1',
    data: { caseId, unitId: 'dept.unknown.x', deadline: '2025-03-04T06:00:00Z', dispatchedAt: '2025-03-03T03:00:00Z' },
  },
  extensionApproved: {
    type: 'dispatch.case.extension_approved.v1',
    data: { caseId, newDeadline: '2025-03-05T06:00:00Z', decidedAt: '2025-03-03T03:00:00Z' },
  },
  overdue: { type: 'dispatch.case.overdue_marked.v1', data: { caseId, markedAt: '2025-03-03T06:00:01Z' } },
  reopened: { type: 'dispatch.case.reopened.v1', data: { caseId, reopenedAt: '2025-03-04T01:00:00Z' } },
} satisfies Record<string, CaseProgressEvent | ((...a: never[]) => CaseProgressEvent)>;

const given = (...events: CaseProgressEvent[]): CaseProgress | null =>
  events.reduce<CaseProgress | null>((view, e) => evolveCaseProgress(view, e, units), null);

const report: ReportView = {
  reportId: 'R-1',
  status: 'filed',
  channel: 'citizen',
  category: 'event.01.02',
  unitType: 'sanitation',
  location: { lat: 35.24, lon: 113.23 },
  cell: null,
  description: '垃圾',
  photoRefs: [],
  receivedAt: '2025-03-03T01:59:00Z',
  updatedAt: '2025-03-03T01:59:30Z',
  externalId: null,
  hasContact: false,
  caseId: null,
  masterReportId: null,
  duplicateCount: 0,
  rejection: null,
  statusNotes: '已立案 — filed, being handled',
};

describe('evolveCaseProgress', () => {
  it('opened → awaiting dispatch, no unit, no deadline', () => {
    expect(given(ev.opened)).toMatchObject({ reportId: 'R-1', caseId, step: 'awaiting_dispatch', unit: null, deadline: null });
  });

  it('dispatched → the unit with its display name and the deadline; signed → in progress', () => {
    expect(given(ev.opened, ev.dispatched)).toMatchObject({
      step: 'dispatched',
      unit: { id: 'dept.sanitation.jiefang', name: { zh: '解放区环卫处' } },
      deadline: '2025-03-03T06:00:00Z',
    });
    expect(given(ev.opened, ev.dispatched, ev.signed)).toMatchObject({ step: 'in_progress', signed: true });
  });

  it('handled → rework with the new deadline → handled again → closed with the result and the time', () => {
    const v = given(
      ev.opened,
      ev.dispatched,
      ev.signed,
      ev.handled('已清运', '2025-03-03T03:00:00Z'),
      ev.rework,
      ev.handled('已彻底清理', '2025-03-03T04:30:00Z'),
    );
    expect(v).toMatchObject({ step: 'awaiting_verification', deadline: '2025-03-03T09:00:00Z', handlingNotes: '已彻底清理' });
    expect(evolveCaseProgress(v, ev.closed, units)).toMatchObject({
      step: 'closed',
      closedAt: '2025-03-03T05:00:00Z',
      closedOnTime: true,
      unit: { id: 'dept.sanitation.jiefang' },
    });
  });

  it('a refused return goes back to where the unit was; an approved one clears the unit until the next dispatch', () => {
    expect(given(ev.opened, ev.dispatched, ev.returnRequested, ev.returnRejected)).toMatchObject({ step: 'dispatched' });
    expect(given(ev.opened, ev.dispatched, ev.signed, ev.returnRequested, ev.returnRejected)).toMatchObject({ step: 'in_progress' });
    expect(given(ev.opened, ev.dispatched, ev.returnRequested, ev.returnApproved)).toMatchObject({
      step: 'returned',
      unit: null,
      deadline: null,
    });
    // A unit missing from the directory is shown by its id rather than failing.
    expect(given(ev.opened, ev.dispatched, ev.returnRequested, ev.returnApproved, ev.redispatched)).toMatchObject({
      step: 'dispatched',
      unit: { id: 'dept.unknown.x', name: { zh: 'dept.unknown.x' } },
    });
  });

  it('overdue is marked and cleared by an approved extension; a reopened case is open again', () => {
    expect(given(ev.opened, ev.dispatched, ev.overdue)).toMatchObject({ overdue: true });
    expect(given(ev.opened, ev.dispatched, ev.signed, ev.overdue, ev.extensionApproved)).toMatchObject({
      overdue: false,
      deadline: '2025-03-05T06:00:00Z',
      step: 'in_progress',
    });
    expect(given(ev.opened, ev.dispatched, ev.closed, ev.reopened)).toMatchObject({
      step: 'awaiting_dispatch',
      closedAt: null,
      unit: null,
    });
  });

  it('ignores events of a case it never saw opened', () => {
    expect(given(ev.dispatched, ev.signed)).toBeNull();
  });
});

describe('reporterStatus', () => {
  it('before a case: intake’s own status and line, the category’s unit type left to the caller', () => {
    expect(reporterStatus(report, null)).toMatchObject({
      status: 'open',
      step: 'filed',
      statusNotes: report.statusNotes,
      agencyResponsible: null,
      expectedAt: null,
      updatedAt: report.updatedAt,
    });
    expect(reporterStatus({ ...report, status: 'rejected', statusNotes: '不予立案' }, null)).toMatchObject({
      status: 'closed',
      step: 'rejected',
    });
  });

  it('dispatched: the unit as agency, the deadline as expected time, a line in Chinese and English with Shanghai time', () => {
    const s = reporterStatus(report, given(ev.opened, ev.dispatched));
    expect(s).toMatchObject({
      status: 'open',
      step: 'dispatched',
      agencyResponsible: '解放区环卫处 Jiefang Sanitation Office',
      unitId: 'dept.sanitation.jiefang',
      expectedAt: '2025-03-03T06:00:00Z',
      updatedAt: '2025-03-03T02:00:01Z',
    });
    expect(s.statusNotes).toBe(
      '已派遣至解放区环卫处，处置时限 2025-03-03 14:00 — dispatched to Jiefang Sanitation Office, due 2025-03-03 14:00',
    );
  });

  it('closed: status closed with the unit’s result, even before intake’s own report closed', () => {
    const s = reporterStatus(report, given(ev.opened, ev.dispatched, ev.handled('已清运', '2025-03-03T03:00:00Z'), ev.closed));
    expect(s).toMatchObject({
      status: 'closed',
      step: 'closed',
      closedAt: '2025-03-03T05:00:00Z',
      result: '已清运',
      agencyResponsible: '解放区环卫处 Jiefang Sanitation Office',
    });
    expect(s.statusNotes).toBe('已结案：已清运 — resolved and closed on 2025-03-03 13:00');
  });

  it('a reopened case is open again although intake closed the report', () => {
    expect(reporterStatus({ ...report, status: 'closed' }, given(ev.opened, ev.dispatched, ev.closed, ev.reopened)).status).toBe('open');
  });

  it('a report intake already closed is closed while this view still lags behind the closure', () => {
    const s = reporterStatus(
      { ...report, status: 'closed', statusNotes: '已结案 — resolved and closed', updatedAt: '2025-03-03T05:00:02Z' },
      given(ev.opened, ev.dispatched, ev.signed),
    );
    expect(s).toMatchObject({
      status: 'closed',
      step: 'closed',
      statusNotes: '已结案 — resolved and closed',
      closedAt: '2025-03-03T05:00:02Z',
      agencyResponsible: '解放区环卫处 Jiefang Sanitation Office',
    });
  });

  it('a merged report keeps its own line', () => {
    const dup = { ...report, status: 'duplicate' as const, statusNotes: '已合并 (R-0)' };
    expect(reporterStatus(dup, given(ev.opened, ev.dispatched))).toMatchObject({
      status: 'closed',
      statusNotes: '已合并 (R-0)',
      agencyResponsible: null,
    });
  });

  it('formats instants in Shanghai time', () => {
    expect(shanghaiMinute('2025-03-03T14:00:00+08:00')).toBe('2025-03-03 14:00');
    expect(shanghaiMinute('2025-12-31T20:30:00Z')).toBe('2026-01-01 04:30');
  });
});

describe('toCaseProgressEvent', () => {
  it('passes the followed types, skips the others, refuses a case or report id decoded as empty', () => {
    expect(toCaseProgressEvent(ev.dispatched)).toEqual(ev.dispatched);
    expect(toCaseProgressEvent({ type: 'dispatch.case.evaluated.v1', data: { caseId } })).toBeNull();
    expect(() => toCaseProgressEvent({ type: 'dispatch.case.opened.v1', data: { caseId, reportId: '' } })).toThrow(/without reportId/);
    expect(() => toCaseProgressEvent({ type: 'dispatch.case.signed_for.v1', data: {} })).toThrow(/without caseId/);
  });
});
