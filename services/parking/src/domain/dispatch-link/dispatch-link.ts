import { ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import linkData from '../../../data/dispatch-link.json';
import { type ClosedOutcome } from '../violation/violation-events';

/** Which dispatch cases parking answers, and which squad acts for which dispatch unit (data). */
export type DispatchLinkRules = Readonly<{ category: string; squadOfUnit: Readonly<Record<string, string>> }>;

export function parseDispatchLinkRules(raw: { category?: unknown; squadOfUnit?: unknown }): DispatchLinkRules {
  if (typeof raw.category !== 'string' || !/^[a-z]+\.\d{2}\.\d{2}$/.test(raw.category))
    throw new Error(`dispatch link: category must be a code like event.05.03, got ${String(raw.category)}`);
  const units = raw.squadOfUnit;
  if (typeof units !== 'object' || units === null || Object.values(units).some((s) => typeof s !== 'string' || s === ''))
    throw new Error('dispatch link: squadOfUnit must map unit ids to squad ids');
  return { category: raw.category, squadOfUnit: units as Record<string, string> };
}

export const shippedDispatchLinkRules = (): DispatchLinkRules => parseDispatchLinkRules(linkData);

/**
 * Parking's copy of a dispatch case it may answer, built from dispatch's events: opened in the
 * category, then dispatched to a unit (whose squad acts), closed by dispatch after verification.
 * `version` is the case stream's version of the last event applied, so a redelivered or older
 * event changes nothing.
 */
export type DispatchCaseLink = Readonly<{
  caseId: string;
  status: 'opened' | 'dispatched' | 'closed';
  cellId: string;
  district: string;
  unitId: string;
  squad: string;
  deadline: string;
  version: number;
}>;

/** The dispatch events the link reads, as dispatch publishes them (proto/yiwang/dispatch/v1/case_events.proto). */
export type DispatchCaseEvent =
  | { type: 'dispatch.case.opened.v1'; data: { caseId: string; category: string; cellId: string; district: string } }
  | { type: 'dispatch.case.dispatched.v1'; data: { caseId: string; unitId: string; deadline: string } }
  | { type: 'dispatch.case.closed.v1'; data: { caseId: string } };

/** The next state of a case's link after one of its events; null when parking has nothing to keep. */
export function evolveLink(
  cur: DispatchCaseLink | null,
  event: DispatchCaseEvent,
  version: number,
  rules: DispatchLinkRules,
): DispatchCaseLink | null {
  if (cur !== null && version <= cur.version) return cur;
  switch (event.type) {
    case 'dispatch.case.opened.v1':
      if (event.data.category !== rules.category) return cur;
      return {
        caseId: event.data.caseId,
        status: 'opened',
        cellId: event.data.cellId,
        district: event.data.district,
        unitId: '',
        squad: '',
        deadline: '',
        version,
      };
    case 'dispatch.case.dispatched.v1': {
      if (cur === null) return null;
      // A unit without a squad (a redispatch elsewhere) leaves the case with no squad to answer it.
      const squad = rules.squadOfUnit[event.data.unitId] ?? '';
      return { ...cur, status: 'dispatched', unitId: event.data.unitId, squad, deadline: event.data.deadline, version };
    }
    case 'dispatch.case.closed.v1':
      return cur === null ? null : { ...cur, status: 'closed', version };
  }
}

/** A violation may name a dispatch case only when the case is dispatched, open, and to the violation's squad. */
export function requireAnswerable(link: DispatchCaseLink | null, caseId: string, squad: string): DispatchCaseLink {
  if (link === null)
    throw new ValidationError(`dispatch case ${caseId} is not a 机动车乱停放 case dispatched to parking`, [
      { field: 'dispatchCaseId', message: caseId },
    ]);
  if (link.status === 'closed') throw new IllegalStateError(`dispatch case ${caseId} is closed`, { caseId });
  if (link.status !== 'dispatched' || link.squad !== squad)
    throw new ForbiddenError(`dispatch case ${caseId} is not dispatched to ${squad}`, { caseId, squad });
  return link;
}

const OUTCOME_NOTES: Record<Exclude<ClosedOutcome, 'cancelled'>, string> = {
  moved_on: '当事人经劝离已驶离（劝离）',
  driver_left: '车辆已驶离',
  paid: '已开具违停告知单，当事人已接受处罚并缴纳罚款',
  transferred: '已开具违停告知单，逾期未处理，已移交公安交管部门',
};

/**
 * The handling feedback (处理反馈) a closed violation gives its dispatch case; null when the
 * violation answers nothing (no case, or cancelled: recorded in error, so it handled nothing).
 */
export function handlingFeedback(closed: {
  violationId: string;
  outcome: ClosedOutcome;
  dispatchCaseId: string;
}): { caseId: string; notes: string; commandId: string } | null {
  if (closed.dispatchCaseId === '' || closed.outcome === 'cancelled') return null;
  return {
    caseId: closed.dispatchCaseId,
    notes: `违停处置 ${closed.violationId}：${OUTCOME_NOTES[closed.outcome]}`,
    // Dispatch answers a repeated command id with its first result: the feedback lands once.
    commandId: `parking-feedback-${closed.violationId}`,
  };
}
