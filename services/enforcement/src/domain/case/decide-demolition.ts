import { ValidationError } from '@yiwang/kernel-core';
import { DAY_MS, SHANGHAI_OFFSET_MS, deadlineAfter, isWorkingDay, localDayIndex } from '@yiwang/working-time';
import { type EnforcementPolicy } from '../policy/policy';
import { Roles, requireSquad } from '../shared/actor';
import { Instant, instantOf, oneOf, text, toMillis } from '../shared/values';
import {
  type AnnounceDemolition,
  type DecideForcedDemolition,
  type DemandDemolition,
  type OrderStopConstruction,
  type RecordDemolition,
  type ScheduleDemolition,
} from './commands';
import { DEMOLISHED_BY, type EnforcementEvent } from './events';
import { at, due, existing, inStatus, notAfter, refuse } from './guards';
import { type CaseState, type Demolition, type EnforcementCase } from './state';

const { officer, approver } = Roles;

/** Statuses in which an order to demolish still stands (served, not revoked, not closed). */
const STANDING = ['awaiting_payment', 'demanded', 'court_applied', 'court_ruled', 'executed'] as const;

/** Does the case's decision order the structure removed (限期拆除)? */
export const ordersDemolition = (s: EnforcementCase): boolean => s.decision?.penalty?.kinds.includes('order_demolition') ?? false;

function demolitionOf(s: EnforcementCase): Demolition {
  if (!s.demolition) refuse(s, 'the order to demolish has not been announced', '行政强制法 Art 44: 公告 first');
  if (s.demolition.doneAt) refuse(s, `the structure was removed at ${s.demolition.doneAt}`, '行政强制法 Art 44');
  return s.demolition;
}

/** Art 43: 夜间 is local time in `[nightStart, nightEnd)`, wrapping midnight when start > end. */
export function atNight(policy: EnforcementPolicy, ms: number): boolean {
  const minute = Math.floor(((((ms + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  const { nightStartMinute: start, nightEndMinute: end } = policy.demolition;
  return start > end ? minute >= start || minute < end : minute >= start && minute < end;
}

/** 责令停止建设: while the case is being checked, investigated or noticed; once. */
export function orderStopConstruction(c: OrderStopConstruction, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, '城乡规划法 Art 64: a stop order comes before the decision', 'lead', 'investigating', 'notice');
  if (s.stopOrderedAt) refuse(s, `stop already ordered at ${s.stopOrderedAt}`, '城乡规划法 Art 64: once');
  const data = { caseId: s.caseId, order: text(c.data.order, 'order'), orderedBy: c.actor.subject, at: at(c.data) };
  return [{ type: 'enforcement.case.construction_stop_ordered.v1', data }];
}

/** 公告 (Art 44): a served order to demolish, with the period the party has to remove it itself. */
export function announceDemolition(c: AnnounceDemolition, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, '行政强制法 Art 44: a served decision is announced', ...STANDING);
  if (!ordersDemolition(s)) refuse(s, 'the decision does not order a demolition', '行政强制法 Art 44');
  if (s.demolition) refuse(s, `announced at ${s.demolition.announcedAt}`, '行政强制法 Art 44: once');
  const days = c.data.periodDays;
  const max = policy.demolition.maxSelfDemolitionDays;
  if (!Number.isInteger(days) || days < 1 || days > max) {
    throw new ValidationError(`periodDays: the party's period to demolish is 1 to ${max} days`, [
      { field: 'periodDays', message: String(days) },
    ]);
  }
  const now = at(c.data);
  const demolishBy = instantOf(deadlineAfter(policy.calendar, new Date(now), { amount: days, unit: 'calendar_days' }));
  const data = { caseId: s.caseId, notice: text(c.data.notice, 'notice'), announcedAt: now, demolishBy };
  return [{ type: 'enforcement.case.demolition_announced.v1', data }];
}

/** 催告 (Art 35) once the party's own period has run out; 10 working days to comply (Art 69). */
export function demandDemolition(c: DemandDemolition, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, '行政强制法 Art 35: a demand to a standing order', ...STANDING);
  const d = demolitionOf(s);
  if (d.demandedAt) refuse(s, `demanded at ${d.demandedAt}`, '行政强制法 Art 35: once');
  const now = at(c.data);
  if (notAfter(now, d.demolishBy)) refuse(s, `the party may demolish itself until ${d.demolishBy}`, '行政强制法 Art 44: 公告期');
  const data = { caseId: s.caseId, demandedAt: now, complyBy: due(policy, now, 'demolitionDemand') };
  return [{ type: 'enforcement.case.demolition_demanded.v1', data }];
}

/**
 * 强制拆除决定 (Art 37) by the head: the demand's period ran out, and — for a structure (Art 44) —
 * the administrative review (60 days) and litigation (6 months) periods have lapsed.
 */
export function decideForcedDemolition(c: DecideForcedDemolition, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, '行政强制法 Art 37: enforcement of a standing order', ...STANDING);
  const d = demolitionOf(s);
  if (!d.demandedAt || !d.complyBy) refuse(s, 'the party has not been demanded to comply', '行政强制法 Art 35: 催告 first');
  if (d.forcedAt) refuse(s, `decided at ${d.forcedAt}`, '行政强制法 Art 37: once');
  const now = at(c.data);
  if (notAfter(now, d.complyBy)) refuse(s, `the demand runs until ${d.complyBy}`, '行政强制法 Art 35, 37');
  const lapse = s.service!.appealsLapseAt;
  if (toMillis(now) < toMillis(lapse)) {
    refuse(
      s,
      `review (60 days) and litigation (6 months) periods run until ${lapse}`,
      '行政强制法 Art 44: forced demolition only after the appeal periods',
    );
  }
  const data = {
    caseId: s.caseId,
    reasons: text(c.data.reasons, 'reasons'),
    approvedBy: c.actor.subject,
    decidedAt: now,
    appealsLapsedAt: lapse,
  };
  return [{ type: 'enforcement.case.forced_demolition_decided.v1', data }];
}

/** 代履行 (Art 50, 51): announced ≥ 3 working days ahead, on a working day, by day (Art 43). */
export function scheduleDemolition(c: ScheduleDemolition, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, '行政强制法 Art 50: 代履行 of a standing decision', ...STANDING);
  const d = demolitionOf(s);
  if (!d.forcedAt) refuse(s, 'no decision to enforce the demolition', '行政强制法 Art 37: 强制执行决定 first');
  const now = at(c.data);
  const when = Instant(c.data.demolitionAt, 'demolitionAt');
  const earliest = due(policy, now, 'substituteNotice');
  if (toMillis(when) < toMillis(earliest))
    refuse(s, `代履行 is announced at least 3 working days ahead: not before ${earliest}`, '行政强制法 Art 51');
  if (atNight(policy, toMillis(when))) refuse(s, `${when} is at night`, '行政强制法 Art 43: no enforcement at night');
  if (!isWorkingDay(policy.calendar, localDayIndex(toMillis(when))))
    refuse(s, `${when} falls on a holiday or rest day`, '行政强制法 Art 43: no enforcement on holidays');
  const data = { caseId: s.caseId, executor: text(c.data.executor, 'executor', 200), announcedAt: now, demolitionAt: when };
  return [{ type: 'enforcement.case.demolition_scheduled.v1', data }];
}

/** The structure removed: by the party at any time after the order, by the authority on its announced day. */
export function recordDemolition(c: RecordDemolition, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, '行政强制法 Art 44: removal of an ordered demolition', ...STANDING);
  if (!ordersDemolition(s)) refuse(s, 'the decision does not order a demolition', '行政强制法 Art 44');
  if (s.demolition?.doneAt) refuse(s, `the structure was removed at ${s.demolition.doneAt}`, '行政强制法 Art 44');
  const by = oneOf(c.data.by, DEMOLISHED_BY, 'by');
  const now = at(c.data);
  if (by === 'authority') {
    const when = s.demolition?.scheduledFor;
    if (!when) refuse(s, '代履行 has not been announced', '行政强制法 Art 51');
    if (toMillis(now) < toMillis(when)) refuse(s, `代履行 was announced for ${when}`, '行政强制法 Art 51');
  }
  return [{ type: 'enforcement.case.demolished.v1', data: { caseId: s.caseId, by, note: text(c.data.note, 'note'), at: now } }];
}
