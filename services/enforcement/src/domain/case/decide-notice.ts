import { ValidationError } from '@yiwang/kernel-core';
import { type EnforcementPolicy } from '../policy/policy';
import { Roles, requireRole, requireSquad } from '../shared/actor';
import { Instant, instantOf, oneOf, text, toMillis } from '../shared/values';
import {
  type ExtendDecisionLimit,
  type IssuePriorNotice,
  type RecordHearing,
  type RecordLegalReview,
  type RecordStatement,
  type RequestHearing,
  type ScheduleHearing,
} from './commands';
import { type EnforcementEvent } from './events';
import { at, due, existing, inStatus, notAfter, refuse } from './guards';
import { penalty, type Penalty } from './party-and-penalty';
import { type CaseState, type EnforcementCase } from './state';

const { officer, approver, legalReviewer, hearingOfficer, bureauHead } = Roles;
const DAY_MS = 86_400_000;

/** Art 63: a large fine (threshold per party type) or a listed heavy penalty gives a hearing right. */
export function hearingRight(s: EnforcementCase, p: Penalty, policy: EnforcementPolicy): boolean {
  const type = s.party?.type ?? 'person';
  return p.fineFen >= policy.hearing.fineThresholdFen[type] || p.kinds.some((k) => policy.hearing.kinds.includes(k));
}

/** Art 58: why this decision needs a legal review first (empty: it does not). */
export function legalReviewReasons(s: EnforcementCase, p: Penalty | null, policy: EnforcementPolicy): string[] {
  const rules = policy.legalReview;
  const reasons: string[] = [];
  if (rules.whenHearingHeld && s.hearing?.heldAt) reasons.push('a hearing was held');
  for (const f of s.flags) if (rules.whenFlags.includes(f)) reasons.push(`the case is flagged ${f}`);
  if (p && s.party && p.fineFen >= rules.fineAtLeastFen[s.party.type])
    reasons.push(`the fine reaches ${rules.fineAtLeastFen[s.party.type] / 100} yuan`);
  if (p) for (const k of p.kinds) if (rules.kinds.includes(k)) reasons.push(`the penalty includes ${k}`);
  return reasons;
}

/** An approving review counts only if it came after the hearing (whose record it must weigh). */
export const legalReviewDone = (s: EnforcementCase): boolean =>
  s.legalReview?.outcome === 'approved' && (!s.hearing?.heldAt || toMillis(s.legalReview.at) >= toMillis(s.hearing.heldAt));

export function recordLegalReview(c: RecordLegalReview, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireRole(c.actor, c.type, legalReviewer);
  inStatus(s, c.type, 'Art 58: legal review before the decision', 'investigating', 'notice');
  const outcome = oneOf(c.data.outcome, ['approved', 'returned'] as const, 'outcome');
  return [
    {
      type: 'enforcement.case.legal_review_recorded.v1',
      data: { caseId: s.caseId, outcome, opinion: text(c.data.opinion, 'opinion', 4000), reviewer: c.actor.subject, at: at(c.data) },
    },
  ];
}

/** 事先告知 (Art 44): the party known, something investigated; starts the 5-working-day windows. */
export function issuePriorNotice(c: IssuePriorNotice, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'Art 44: the notice follows filing and investigation, once', 'investigating');
  if (!s.party) refuse(s, 'the party is not identified yet', 'Art 44: the notice goes to the party');
  if (s.actCount === 0) refuse(s, 'no investigation act is recorded', 'Art 40/54: facts established before a penalty is intended');
  const intended = penalty(c.data.intended, 'intended');
  const servedAt = at(c.data);
  const right = hearingRight(s, intended, policy);
  const data = {
    caseId: s.caseId,
    intended,
    facts: text(c.data.facts, 'facts', 4000),
    grounds: text(c.data.grounds, 'grounds', 2000),
    servedAt,
    statementDeadline: due(policy, servedAt, 'statement'),
    hearingRight: right,
    hearingRequestDeadline: due(policy, servedAt, 'hearingRequest'),
  };
  return [{ type: 'enforcement.case.prior_notice_served.v1', data }];
}

/** 陈述申辩 within the statement period. */
export function recordStatement(c: RecordStatement, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'Art 45: statement and defence answer the prior notice', 'notice');
  const now = at(c.data);
  if (!notAfter(now, s.notice!.statementDeadline))
    refuse(s, `the statement period ended at ${s.notice!.statementDeadline}`, 'Art 44/45: statement within the notice period');
  return [
    {
      type: 'enforcement.case.statement_recorded.v1',
      data: { caseId: s.caseId, summary: text(c.data.summary, 'summary', 4000), waivesHearing: c.data.waivesHearing === true, at: now },
    },
  ];
}

/** Art 64: a hearing asked within 5 working days of the notice, where the penalty gives the right. */
export function requestHearing(c: RequestHearing, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'Art 64: a hearing is asked after the prior notice', 'notice');
  const notice = s.notice!;
  if (!notice.hearingRight)
    refuse(s, 'the intended penalty gives no right to a hearing', 'Art 63: hearing for large fines and listed penalties');
  if (s.hearing) refuse(s, 'a hearing was asked for already', 'Art 64');
  if (s.waivedHearing) refuse(s, 'the party waived the hearing in its statement', 'Art 64');
  const now = at(c.data);
  if (!notAfter(now, notice.hearingRequestDeadline))
    refuse(s, `a hearing must be asked within 5 working days of the notice, i.e. by ${notice.hearingRequestDeadline}`, 'Art 64(1)');
  return [{ type: 'enforcement.case.hearing_requested.v1', data: { caseId: s.caseId, at: now } }];
}

/** Art 64(2): the party is told of the hearing at least 7 working days before it. */
export function scheduleHearing(c: ScheduleHearing, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireRole(c.actor, c.type, hearingOfficer, approver, bureauHead);
  inStatus(s, c.type, 'Art 64: a hearing follows a request', 'notice');
  if (!s.hearing || s.hearing.heldAt || s.hearing.hearingAt) refuse(s, 'no hearing request waiting to be scheduled', 'Art 64');
  const notifiedAt = at(c.data);
  const hearingAt = Instant(c.data.hearingAt, 'hearingAt');
  const earliest = due(policy, notifiedAt, 'hearingNotice');
  if (toMillis(hearingAt) < toMillis(earliest)) {
    throw new ValidationError(
      `hearingAt must leave at least 7 working days after the notification (行政处罚法 Art 64(2)): not before ${earliest}`,
      [{ field: 'hearingAt', message: 'too soon' }],
    );
  }
  return [
    {
      type: 'enforcement.case.hearing_scheduled.v1',
      data: { caseId: s.caseId, hearingAt, place: text(c.data.place, 'place', 200), notifiedAt, hearingOfficer: c.actor.subject },
    },
  ];
}

/** The hearing record; the time from request to hearing is not counted in the 90 days (Art 60). */
export function recordHearing(c: RecordHearing, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireRole(c.actor, c.type, hearingOfficer);
  inStatus(s, c.type, 'Art 64: a hearing belongs to the notice stage', 'notice');
  const h = s.hearing;
  if (!h?.hearingAt || h.heldAt) refuse(s, 'no scheduled hearing to record', 'Art 64');
  const heldAt = at(c.data);
  if (toMillis(heldAt) < toMillis(h.hearingAt)) refuse(s, `the hearing is scheduled for ${h.hearingAt}`, 'Art 64(2)');
  const paused = Math.ceil((toMillis(heldAt) - toMillis(h.requestedAt)) / DAY_MS) * DAY_MS;
  const previous = s.decisionDeadline!;
  const data = {
    caseId: s.caseId,
    record: text(c.data.record, 'record', 8000),
    heldAt,
    hearingOfficer: c.actor.subject,
    previousDecisionDeadline: previous,
    decisionDeadline: instantOf(toMillis(previous) + paused),
  };
  return [{ type: 'enforcement.case.hearing_held.v1', data }];
}

/** Art 60: the bureau head extends the 90 days, with a reason and the extra calendar days. */
export function extendDecisionLimit(c: ExtendDecisionLimit, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireRole(c.actor, c.type, bureauHead);
  inStatus(s, c.type, 'Art 60: the limit runs from filing to decision', 'investigating', 'notice');
  const extra = c.data.extraDays;
  if (typeof extra !== 'number' || !Number.isInteger(extra) || extra < 1 || extra > 90)
    throw new ValidationError('extraDays must be a whole number of days from 1 to 90', [{ field: 'extraDays', message: String(extra) }]);
  const previousDeadline = s.decisionDeadline!;
  const data = {
    caseId: s.caseId,
    reason: text(c.data.reason, 'reason'),
    previousDeadline,
    newDeadline: instantOf(toMillis(previousDeadline) + extra * DAY_MS),
    approvedBy: c.actor.subject,
    at: at(c.data),
  };
  return [{ type: 'enforcement.case.decision_limit_extended.v1', data }];
}
