import { assertNever } from '@yiwang/kernel-core';
import { type Cause, type ComplaintTerms } from '../config';
import { type CompanyId, type ComplaintId, type HouseholdId, type Instant } from '../shared/values';
import { type Channel, type ComplaintEvent, type RefundComputed } from './complaint-events';

/** What every existing complaint knows, whatever its state. */
export type ComplaintFacts = Readonly<{
  complaintId: ComplaintId;
  householdId: HouseholdId;
  companyId: CompanyId;
  channel: Channel;
  receivedAt: Instant;
  terms: ComplaintTerms;
  /** The first measurement's timeliness (null until measured). */
  measuredOnTime: boolean | null;
  supervisionCount: number;
  /** The deadline an overdue mark was made for (once per deadline). */
  overdueMarkedFor: Instant | null;
  personalDataErased: boolean;
}>;

/** The sub-standard period so far (null before any sub-standard finding). */
export type Period = Readonly<{ since: Instant; lowestDeci: number; cause: Cause }>;

/**
 * The complaint's states (投诉状态), each with only the fields valid in it:
 * `awaiting_measurement` 待测温; `disputed` 有异议 (waiting for / with an ordered lab);
 * `substandard` 不达标 (fix limit running, or fix reported and awaiting re-measurement);
 * `refund_pending` 待审批退费; `closed` 已办结.
 */
export type ComplaintState =
  | Readonly<{ status: 'none' }>
  | (ComplaintFacts & Readonly<{ status: 'awaiting_measurement'; measureDeadline: Instant; acknowledgedAt: Instant | null }>)
  | (ComplaintFacts & Readonly<{ status: 'disputed'; period: Period | null; labId: string | null; measureDeadline: Instant | null }>)
  | (ComplaintFacts & Readonly<{ status: 'substandard'; period: Period; fixDeadline: Instant; fixReportedAt: Instant | null }>)
  | (ComplaintFacts & Readonly<{ status: 'refund_pending'; refund: RefundComputed['data'] }>)
  | (ComplaintFacts &
      Readonly<{ status: 'closed'; outcome: 'compliant' | 'refunded' | 'no_refund'; closedAt: Instant; refundCents: number }>);

export type ComplaintStatus = ComplaintState['status'];
export type ExistingComplaint = Exclude<ComplaintState, { status: 'none' }>;

export const initialComplaintState = (): ComplaintState => ({ status: 'none' });

function facts(s: ExistingComplaint): ComplaintFacts {
  const {
    complaintId,
    householdId,
    companyId,
    channel,
    receivedAt,
    terms,
    measuredOnTime,
    supervisionCount,
    overdueMarkedFor,
    personalDataErased,
  } = s;
  return {
    complaintId,
    householdId,
    companyId,
    channel,
    receivedAt,
    terms,
    measuredOnTime,
    supervisionCount,
    overdueMarkedFor,
    personalDataErased,
  };
}

/** Events only arrive in an order `decide` produced, so a mismatch is a corrupt stream. */
function corrupt(state: ComplaintState, event: ComplaintEvent): never {
  throw new Error(`heating complaint stream is corrupt: ${event.type} in state ${state.status}`);
}

export const periodOf = (s: ExistingComplaint): Period | null => ('period' in s ? s.period : null);

export function evolveComplaint(state: ComplaintState, event: ComplaintEvent): ComplaintState {
  if (event.type === 'heating.complaint.received.v1') {
    const d = event.data;
    return {
      status: 'awaiting_measurement',
      ...{
        complaintId: d.complaintId,
        householdId: d.householdId,
        companyId: d.companyId,
        channel: d.channel,
        receivedAt: d.receivedAt,
        terms: d.terms,
      },
      ...{ measuredOnTime: null, supervisionCount: 0, overdueMarkedFor: null, personalDataErased: false },
      measureDeadline: d.measureDeadline,
      acknowledgedAt: null,
    };
  }
  if (state.status === 'none') return corrupt(state, event);
  switch (event.type) {
    case 'heating.complaint.acknowledged.v1':
      return state.status === 'awaiting_measurement' ? { ...state, acknowledgedAt: event.data.acknowledgedAt } : corrupt(state, event);
    case 'heating.complaint.measured.v1': {
      const d = event.data;
      const measuredOnTime = state.measuredOnTime ?? (d.kind === 'remeasurement' ? null : d.onTime);
      // The outcome follows as substandard_found / restored / closed; only a dispute changes the state here.
      if (d.residentResponse !== 'disputed' || d.kind === 'third_party') return { ...state, measuredOnTime };
      const measureDeadline = state.status === 'awaiting_measurement' ? state.measureDeadline : null;
      return { ...facts(state), measuredOnTime, status: 'disputed', period: periodOf(state), labId: null, measureDeadline };
    }
    case 'heating.complaint.third_party_ordered.v1':
      return state.status === 'disputed' ? { ...state, labId: event.data.labId } : corrupt(state, event);
    case 'heating.complaint.substandard_found.v1': {
      const d = event.data;
      const before = periodOf(state);
      const period = { since: d.since, lowestDeci: Math.min(d.lowestDeci, before?.lowestDeci ?? d.lowestDeci), cause: d.cause };
      return { ...facts(state), status: 'substandard', period, fixDeadline: d.fixDeadline, fixReportedAt: null };
    }
    case 'heating.complaint.fix_reported.v1':
      return state.status === 'substandard' ? { ...state, fixReportedAt: event.data.reportedAt } : corrupt(state, event);
    case 'heating.complaint.restored.v1':
      return state.status === 'substandard' || state.status === 'disputed' ? state : corrupt(state, event);
    case 'heating.complaint.refund_computed.v1':
      return { ...facts(state), status: 'refund_pending', refund: event.data };
    case 'heating.complaint.refund_approved.v1':
      return state.status === 'refund_pending' ? state : corrupt(state, event);
    case 'heating.complaint.closed.v1': {
      const refundCents = state.status === 'refund_pending' ? state.refund.refundCents : 0;
      return { ...facts(state), status: 'closed', outcome: event.data.outcome, closedAt: event.data.closedAt, refundCents };
    }
    case 'heating.complaint.overdue_marked.v1':
      return { ...state, overdueMarkedFor: event.data.deadline };
    case 'heating.complaint.supervised.v1':
      return { ...state, supervisionCount: state.supervisionCount + 1 };
    case 'heating.complaint.personal_data_erased.v1':
      return { ...state, personalDataErased: true };
    default:
      return assertNever(event, 'heating complaint event');
  }
}

/** The limit running now, if any: measuring (待测温) or fixing (整改, until the fix is reported). */
export function runningLimit(s: ComplaintState): { limit: 'measurement' | 'fix'; deadline: Instant } | null {
  if (s.status === 'awaiting_measurement') return { limit: 'measurement', deadline: s.measureDeadline };
  if (s.status === 'disputed' && s.measureDeadline !== null && s.measuredOnTime === null)
    return { limit: 'measurement', deadline: s.measureDeadline };
  if (s.status === 'substandard' && s.fixReportedAt === null) return { limit: 'fix', deadline: s.fixDeadline };
  return null;
}
