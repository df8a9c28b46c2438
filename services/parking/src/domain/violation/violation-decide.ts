import { IllegalStateError } from '@yiwang/kernel-core';
import { deadlineAfter, type BusinessCalendar } from '@yiwang/working-time';
import { Roles, requireRole, requireSquad, type Actor } from '../shared/actor';
import { FINE_MAX, FINE_MIN, surchargeOn, type ParkingRules } from '../rules/parking-rules';
import { Instant, instantFromMillis, invalid, text, toMillis, yuan } from '../shared/values';
import {
  type CloseViolation,
  type DecidePenalty,
  type EraseViolationPersonalData,
  type IssueNotice,
  type OrderTowing,
  type RecordPayment,
  type ServePriorNotice,
  type TransferToTrafficPolice,
  type WarnDriver,
} from './violation-commands';
import { type ClosedOutcome, type ViolationEvent } from './violation-events';
import { type RecordedViolation, type ViolationState } from './violation-state';

export type ViolationContext = Readonly<{ rules: ParkingRules; calendar: BusinessCalendar }>;

function recorded(state: ViolationState, command: string): RecordedViolation {
  if (state.status === 'none') throw new IllegalStateError(`${command}: no such violation`, {});
  return state;
}

function inStatus<S extends RecordedViolation['status']>(
  state: RecordedViolation,
  command: string,
  ...statuses: S[]
): Extract<RecordedViolation, { status: S }> {
  if (!(statuses as string[]).includes(state.status)) {
    throw new IllegalStateError(`${command} is not allowed: violation ${state.violationId} is ${state.status}`, { status: state.status });
  }
  return state as Extract<RecordedViolation, { status: S }>;
}

/** An officer of the violation's squad (or the system, for its own steps). */
function officerOfSquad(actor: Actor, command: string, state: RecordedViolation, ...extraRoles: string[]): void {
  requireRole(actor, command, Roles.officer, Roles.system, ...extraRoles);
  requireSquad(actor, command, state.squad);
}

const closed = (s: RecordedViolation, outcome: ClosedOutcome, note: string, at: Instant): ViolationEvent => ({
  type: 'parking.violation.closed.v1',
  data: { violationId: s.violationId as never, outcome, note, dispatchCaseId: s.dispatchCaseId, squad: s.squad as never, closedAt: at },
});

const fineOf = (given: number | null, fallback: number): number => (given === null ? fallback : yuan(given, 'fine', FINE_MIN, FINE_MAX));

/** 劝离 (Art 93): the driver is there. Complied → closed without penalty; refused → a notice may follow. */
export function warnDriver(c: WarnDriver, state: ViolationState): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'WarnDriver'), 'WarnDriver', 'recorded');
  requireRole(c.actor, 'WarnDriver', Roles.officer);
  requireSquad(c.actor, 'WarnDriver', s.squad);
  const at = Instant(c.data.at);
  const warned: ViolationEvent = {
    type: 'parking.violation.driver_warned.v1',
    data: { violationId: s.violationId as never, complied: c.data.complied, by: c.actor.subject, warnedAt: at },
  };
  return c.data.complied ? [warned, closed(s, 'moved_on', '劝离', at)] : [warned];
}

/** 违停告知单: driver absent, or refused and obstructs. The come-forward deadline is in working days. */
export function issueNotice(c: IssueNotice, state: ViolationState, ctx: ViolationContext): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'IssueNotice'), 'IssueNotice', 'recorded', 'refused');
  // The camera ingest serves postal notices of its own records for every squad.
  const cameraServes = s.source === 'camera' && c.actor.roles.includes(Roles.camera);
  if (!cameraServes) officerOfSquad(c.actor, 'IssueNotice', s);
  const at = Instant(c.data.at);
  const comeForwardBy = instantFromMillis(deadlineAfter(ctx.calendar, new Date(at), ctx.rules.comeForwardWithin).getTime());
  return [
    {
      type: 'parking.violation.notice_issued.v1',
      data: {
        violationId: s.violationId as never,
        noticeNo: text(c.data.noticeNo, 'noticeNo', 40),
        fine: fineOf(c.data.fine, s.tableFine),
        servedBy: s.source === 'camera' ? 'post' : 'windscreen',
        comeForwardBy,
        // Ignored past the come-forward deadline: handed to the traffic police.
        transferDueAt: comeForwardBy,
        issuedAt: at,
      },
    },
  ];
}

/** 行政强制事先告知书 (行政强制法 Art 35): statement within 3 working days (Art 69). */
export function servePriorNotice(c: ServePriorNotice, state: ViolationState, ctx: ViolationContext): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'ServePriorNotice'), 'ServePriorNotice', 'refused', 'noticed', 'penalised');
  officerOfSquad(c.actor, 'ServePriorNotice', s);
  if (s.priorNoticeServed) throw new IllegalStateError('a prior notice was already served for this violation', {});
  const at = Instant(c.data.at);
  const statementBy = instantFromMillis(deadlineAfter(ctx.calendar, new Date(at), { amount: 3, unit: 'working_days' }).getTime());
  return [
    {
      type: 'parking.violation.prior_notice_served.v1',
      data: { violationId: s.violationId as never, noticeNo: text(c.data.noticeNo, 'noticeNo', 40), statementBy, servedAt: at },
    },
  ];
}

const TOLD_BY = ['windscreen', 'phone', 'post'] as const;

/** Towing where the vehicle obstructs (Art 93): free to the owner, who is told where it went. */
export function orderTowing(c: OrderTowing, state: ViolationState): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'OrderTowing'), 'OrderTowing', 'recorded', 'refused', 'noticed');
  officerOfSquad(c.actor, 'OrderTowing', s);
  if (!s.obstructing) throw new IllegalStateError('towing is only for a vehicle that obstructs (道路交通安全法 Art 93)', { kind: s.kind });
  if (s.towed) throw new IllegalStateError('towing was already ordered', {});
  const told = c.data.ownerToldBy as (typeof TOLD_BY)[number];
  if (!TOLD_BY.includes(told)) invalid('ownerToldBy', `must be one of ${TOLD_BY.join(', ')}: the owner must be told where the vehicle is`);
  return [
    {
      type: 'parking.violation.towing_ordered.v1',
      data: {
        violationId: s.violationId as never,
        depot: text(c.data.depot, 'depot', 200),
        reason: text(c.data.reason, 'reason', 500),
        chargedToOwner: false,
        ownerToldBy: told,
        orderedAt: Instant(c.data.at),
      },
    },
  ];
}

/** The owner came forward (接受处理), even late as long as the case is not handed over: pay within 15 days. */
export function decidePenalty(c: DecidePenalty, state: ViolationState, ctx: ViolationContext): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'DecidePenalty'), 'DecidePenalty', 'noticed');
  requireRole(c.actor, 'DecidePenalty', Roles.officer);
  requireSquad(c.actor, 'DecidePenalty', s.squad);
  const at = Instant(c.data.at);
  const payBy = deadlineAfter(ctx.calendar, new Date(at), ctx.rules.payWithin);
  const transferDueAt = deadlineAfter(ctx.calendar, payBy, ctx.rules.transferAfter);
  return [
    {
      type: 'parking.violation.penalty_decided.v1',
      data: {
        violationId: s.violationId as never,
        decisionNo: text(c.data.decisionNo, 'decisionNo', 40),
        fine: fineOf(c.data.fine, s.fine),
        payBy: instantFromMillis(payBy.getTime()),
        transferDueAt: instantFromMillis(transferDueAt.getTime()),
        decidedAt: at,
      },
    },
  ];
}

/** Payment of the fine, and of the surcharge when late (Art 109: 3 %/day, capped at the fine). */
export function recordPayment(c: RecordPayment, state: ViolationState, ctx: ViolationContext): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'RecordPayment'), 'RecordPayment', 'penalised');
  officerOfSquad(c.actor, 'RecordPayment', s);
  const at = Instant(c.data.at);
  const { daysLate, surcharge } = surchargeOn(s.fine, ctx.rules.surchargePercentPerDay, toMillis(s.payBy), toMillis(at));
  const total = s.fine + surcharge;
  if (c.data.amount !== total)
    invalid('amount', `must be ${total} yuan (fine ${s.fine} + surcharge ${surcharge} for ${daysLate} days late), got ${c.data.amount}`);
  return [
    {
      type: 'parking.violation.fine_paid.v1',
      data: { violationId: s.violationId as never, fine: s.fine, daysLate, surcharge, total, paidAt: at },
    },
    closed(s, 'paid', '', at),
  ];
}

/** 移交公安交管: the notice ignored past its deadline, or the fine unpaid past the transfer date. */
export function transferToTrafficPolice(
  c: TransferToTrafficPolice,
  state: ViolationState,
  ctx: ViolationContext,
): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'TransferToTrafficPolice'), 'TransferToTrafficPolice', 'noticed', 'penalised');
  officerOfSquad(c.actor, 'TransferToTrafficPolice', s);
  const at = Instant(c.data.at);
  if (toMillis(at) <= toMillis(s.transferDueAt)) {
    throw new IllegalStateError(
      `not yet: the ${s.status === 'noticed' ? 'come-forward' : 'payment'} period runs until ${s.transferDueAt}`,
      { transferDueAt: s.transferDueAt },
    );
  }
  const surcharge =
    s.status === 'penalised' ? surchargeOn(s.fine, ctx.rules.surchargePercentPerDay, toMillis(s.payBy), toMillis(at)).surcharge : 0;
  return [
    {
      type: 'parking.violation.transferred.v1',
      data: {
        violationId: s.violationId as never,
        reason: s.status === 'noticed' ? 'notice_ignored' : 'unpaid',
        fine: s.fine,
        surchargeAccrued: surcharge,
        handoverRef: text(c.data.handoverRef, 'handoverRef', 80),
        transferredAt: at,
      },
    },
    closed(s, 'transferred', '', at),
  ];
}

/** The driver left before anything was served, or the record is withdrawn with a reason. */
export function closeViolation(c: CloseViolation, state: ViolationState): readonly ViolationEvent[] {
  const s = inStatus(recorded(state, 'CloseViolation'), 'CloseViolation', 'recorded', 'refused');
  requireRole(c.actor, 'CloseViolation', Roles.officer);
  requireSquad(c.actor, 'CloseViolation', s.squad);
  if (c.data.outcome !== 'driver_left' && c.data.outcome !== 'cancelled') invalid('outcome', 'must be driver_left or cancelled');
  const note = c.data.outcome === 'cancelled' ? text(c.data.note, 'note') : text(c.data.note, 'note', 500, true);
  return [closed(s, c.data.outcome, note, Instant(c.data.at))];
}

export function eraseViolationPersonalData(c: EraseViolationPersonalData, state: ViolationState): readonly ViolationEvent[] {
  const s = recorded(state, 'EraseViolationPersonalData');
  requireRole(c.actor, 'EraseViolationPersonalData', Roles.privacy);
  if (s.erased) return [];
  return [
    { type: 'parking.violation.personal_data_erased.v1', data: { violationId: s.violationId as never, erasedAt: Instant(c.data.at) } },
  ];
}
