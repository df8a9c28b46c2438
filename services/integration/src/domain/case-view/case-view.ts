import { applyHeatingChange, HEATING_COMPLAINT_PREFIX } from './heating-case-view';

/**
 * What the operations centre sees of a case, folded from dispatch's case events. The centre's
 * vocabulary is coarser than dispatch's (see `CaseState` in proto/yiwang/opscenter/v1): this fold
 * is the one place that decides how each step of the closed loop looks from the centre.
 */

/** The centre's case states (proto `CaseState` without the prefix). */
export const CENTRE_STATES = ['registered', 'dispatched', 'in_progress', 'return_requested', 'suspended', 'handled', 'closed'] as const;
export type CentreState = (typeof CENTRE_STATES)[number];

export interface CaseView {
  readonly caseId: string;
  readonly reportId: string;
  readonly category: string;
  readonly state: CentreState;
  /** The unit holding the case; null while none does. */
  readonly unitId: string | null;
  /** ISO instant of the deadline in force; null when none runs. */
  readonly deadline: string | null;
  /** The latest result, note or reason worth showing the centre. */
  readonly result: string;
  readonly overdue: boolean;
  /** Whether the unit had signed for the case (a refused return goes back to this). */
  readonly signed: boolean;
}

/** A dispatch case event as integration receives it: the type and the decoded data. */
export interface CaseChange {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export const CASE_EVENT_PREFIX = 'dispatch.case.';

const str = (data: Readonly<Record<string, unknown>>, key: string): string => {
  const v = data[key];
  return typeof v === 'string' ? v : '';
};

const orNull = (s: string): string | null => (s === '' ? null : s);

/**
 * The view after one more event. Unknown (future) event types leave the view as it was: the centre
 * still gets an update for them, with the state unchanged, so its sequence has no gap.
 */
export function applyCaseChange(view: CaseView | null, change: CaseChange): CaseView | null {
  if (change.type.startsWith(HEATING_COMPLAINT_PREFIX)) return applyHeatingChange(view, change);
  const d = change.data;
  if (change.type === 'dispatch.case.opened.v1') {
    return {
      caseId: str(d, 'caseId'),
      reportId: str(d, 'reportId'),
      category: str(d, 'category'),
      state: 'registered',
      unitId: null,
      deadline: null,
      result: '',
      overdue: false,
      signed: false,
    };
  }
  if (view === null) return null;
  switch (change.type) {
    case 'dispatch.case.dispatched.v1':
      return {
        ...view,
        state: 'dispatched',
        unitId: orNull(str(d, 'unitId')),
        deadline: orNull(str(d, 'deadline')),
        signed: false,
        overdue: false,
      };
    case 'dispatch.case.signed_for.v1':
      return { ...view, state: 'in_progress', signed: true };
    case 'dispatch.case.return_requested.v1':
      return {
        ...view,
        state: 'return_requested',
        result: [str(d, 'note'), ...((d.reasons as string[] | undefined) ?? [])].filter(Boolean).join('; '),
      };
    case 'dispatch.case.return_approved.v1':
      return { ...view, state: 'registered', unitId: null, deadline: null, signed: false };
    case 'dispatch.case.return_rejected.v1':
      return { ...view, state: view.signed ? 'in_progress' : 'dispatched' };
    case 'dispatch.case.extension_approved.v1':
      return { ...view, deadline: orNull(str(d, 'newDeadline')) ?? view.deadline };
    case 'dispatch.case.suspension_approved.v1':
      return { ...view, state: 'suspended' };
    case 'dispatch.case.suspension_rejected.v1':
      return { ...view, state: 'in_progress' };
    case 'dispatch.case.handling_reported.v1':
      return { ...view, state: 'handled', result: str(d, 'notes') };
    case 'dispatch.case.verified.v1':
      return { ...view, result: str(d, 'notes') || view.result };
    case 'dispatch.case.rework_ordered.v1':
      return { ...view, state: 'in_progress', deadline: orNull(str(d, 'deadline')) ?? view.deadline, result: str(d, 'reason') };
    case 'dispatch.case.closed.v1':
      return { ...view, state: 'closed', overdue: false };
    case 'dispatch.case.overdue_marked.v1':
      return { ...view, overdue: true };
    case 'dispatch.case.reopened.v1':
      return { ...view, state: 'registered', unitId: null, deadline: null, signed: false, result: str(d, 'reason') };
    case 'dispatch.case.evaluated.v1':
      return { ...view, result: [view.result, `评价: ${str(d, 'rating')}`].filter(Boolean).join('; ') };
    default:
      // extension/suspension requests, supervision and future types: no visible change.
      return view;
  }
}
