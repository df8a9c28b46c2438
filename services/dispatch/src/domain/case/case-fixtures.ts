import { type Actor } from '../shared/actor';
import { type CaseId, type CategoryCode, type Instant, type ReportId, type UnitId } from '../shared/values';
import { type CaseEvent } from './case-events';

/** Shared fixtures of the case specs: actors, instants and ready-made histories. */

export const CASE_ID = 'C20250303-0001' as CaseId;
export const REPORT_ID = 'R20250303-0042' as ReportId;
export const UNIT = 'dept.sanitation.jiefang' as UnitId;
export const OTHER_UNIT = 'dept.municipal.jiefang' as UnitId;
export const CATEGORY = 'event.01.02' as CategoryCode;

export const t = (hhmm: string, day = '2025-03-03'): Instant => `${day}T${hhmm}:00+08:00` as Instant;
export const OPENED = t('10:00');
export const DEADLINE = t('14:30');

export const unitActor: Actor = { subject: 'wang.li', department: UNIT, roles: [] };
export const otherUnitActor: Actor = { subject: 'zhao.min', department: OTHER_UNIT, roles: [] };
export const commandCentre: Actor = { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] };
export const supervisionCentre: Actor = { subject: 'chen.jie', department: 'centre.supervision', roles: ['centre.supervision'] };
export const inspector: Actor = { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] };
export const scheduler: Actor = { subject: 'deadline-checker', department: 'system.dispatch', roles: ['system'] };

export const opened: CaseEvent = {
  type: 'dispatch.case.opened.v1',
  data: {
    caseId: CASE_ID,
    reportId: REPORT_ID,
    category: CATEGORY,
    cellId: '410802001001001',
    district: '解放区',
    urgency: 'normal',
    openedAt: OPENED,
  },
};
export const dispatched = (
  unitId: UnitId = UNIT,
  deadline: Instant = DEADLINE,
  at: Instant = OPENED,
  kind: 'initial' | 'redispatch' | 'reopen' = 'initial',
): CaseEvent => ({
  type: 'dispatch.case.dispatched.v1',
  data: { caseId: CASE_ID, unitId, deadline, dispatchedAt: at, kind },
});
export const signed: CaseEvent = {
  type: 'dispatch.case.signed_for.v1',
  data: { caseId: CASE_ID, unitId: UNIT, signedAt: t('10:05'), by: 'wang.li' },
};
export const returnRequested: CaseEvent = {
  type: 'dispatch.case.return_requested.v1',
  data: { caseId: CASE_ID, unitId: UNIT, reasons: ['not_our_remit'], note: '', requestedAt: t('10:10') },
};
export const returnApproved: CaseEvent = {
  type: 'dispatch.case.return_approved.v1',
  data: { caseId: CASE_ID, unitId: UNIT, note: '', decidedAt: t('10:20') },
};
export const extensionRequested: CaseEvent = {
  type: 'dispatch.case.extension_requested.v1',
  data: {
    caseId: CASE_ID,
    unitId: UNIT,
    currentDeadline: DEADLINE,
    requestedDeadline: t('17:00'),
    reason: '需调派压缩车',
    requestedAt: t('11:00'),
  },
};
export const suspensionRequested: CaseEvent = {
  type: 'dispatch.case.suspension_requested.v1',
  data: { caseId: CASE_ID, unitId: UNIT, reason: '涉及拆迁, 需市政府协调', requestedAt: t('11:00') },
};
export const suspensionApproved: CaseEvent = {
  type: 'dispatch.case.suspension_approved.v1',
  data: { caseId: CASE_ID, unitId: UNIT, note: '', decidedAt: t('11:30') },
};
export const handled = (at: Instant = t('13:45'), deadline: Instant = DEADLINE): CaseEvent => ({
  type: 'dispatch.case.handling_reported.v1',
  data: {
    caseId: CASE_ID,
    unitId: UNIT,
    notes: '垃圾已清运',
    photoRefs: ['photos/after-1.jpg'],
    reportedAt: at,
    deadline,
    onTime: at <= deadline,
  },
});
export const verifiedPassed: CaseEvent = {
  type: 'dispatch.case.verified.v1',
  data: { caseId: CASE_ID, inspector: 'sun.hao', outcome: 'passed', notes: '', photoRefs: [], verifiedAt: t('15:00') },
};
export const closed: CaseEvent = {
  type: 'dispatch.case.closed.v1',
  data: { caseId: CASE_ID, reportId: REPORT_ID, unitId: UNIT, onTime: true, closedAt: t('15:00') },
};

/** A history that leaves the case in each state (used by the illegal-transition matrix). */
export const HISTORIES = {
  none: [],
  awaiting_dispatch: [opened, dispatched(), returnRequested, returnApproved],
  dispatched: [opened, dispatched()],
  handling: [opened, dispatched(), signed],
  return_requested: [opened, dispatched(), returnRequested],
  extension_requested: [opened, dispatched(), signed, extensionRequested],
  suspension_requested: [opened, dispatched(), signed, suspensionRequested],
  suspended: [opened, dispatched(), signed, suspensionRequested, suspensionApproved],
  awaiting_verification: [opened, dispatched(), signed, handled()],
  closed: [opened, dispatched(), signed, handled(), verifiedPassed, closed],
} as const satisfies Record<string, readonly CaseEvent[]>;
