import { ValidationError } from '@yiwang/kernel-core';
import { type EnforcementPolicy } from '../policy/policy';
import { Roles, requireRole, requireSquad } from '../shared/actor';
import { EnforcementCaseId, SquadId, formatYuan, instantOf, oneOf, text, toMillis } from '../shared/values';
import {
  type Decide,
  type DecideOnTheSpot,
  type PublishDecision,
  type RecordServiceConsent,
  type RevokeDecision,
  type ServeDecision,
  type WithdrawPublication,
} from './commands';
import { caseSource } from './decide-lead';
import { legalReviewDone, legalReviewReasons } from './decide-notice';
import { DECISION_OUTCOMES, SERVICE_METHODS, type EnforcementEvent } from './events';
import { at, due, existing, inStatus, notAfter, refuse, twoOfficers } from './guards';
import { endOfDayMonthsAfter, heavierThan, party, penalty, type Penalty } from './party-and-penalty';
import { type CaseState, type EnforcementCase } from './state';

const { officer, approver, bureauHead, system } = Roles;

/** What may still stop a penalty decision in the notice stage; null when it may be taken now. */
function noticeBlocker(s: EnforcementCase, now: string): string | null {
  const n = s.notice!;
  if (s.hearing && !s.hearing.heldAt) return 'Art 64: the requested hearing has not been held';
  if (!s.defended && notAfter(now, n.statementDeadline)) return `Art 44/45: the party may state and defend until ${n.statementDeadline}`;
  if (n.hearingRight && !s.hearing && !s.waivedHearing && notAfter(now, n.hearingRequestDeadline))
    return `Art 64: the party may ask for a hearing until ${n.hearingRequestDeadline}`;
  return null;
}

/** 处罚决定 (Art 57) by the responsible head, within the decision limit (Art 60). */
export function decide(c: Decide, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  const outcome = oneOf(c.data.outcome, DECISION_OUTCOMES, 'outcome');
  if (outcome === 'penalty') inStatus(s, c.type, 'Art 44: no penalty decision before the prior notice', 'notice');
  else inStatus(s, c.type, 'Art 57: a decision follows filing', 'investigating', 'notice');
  const now = at(c.data);
  if (!notAfter(now, s.decisionDeadline!))
    refuse(s, `the decision limit ended at ${s.decisionDeadline}; the bureau head may extend it`, 'Art 60: 90 days from filing');
  let decided: Penalty | null = null;
  if (outcome === 'penalty') {
    decided = penalty(c.data.penalty);
    const blocker = noticeBlocker(s, now);
    if (blocker) refuse(s, 'the notice stage is not over', blocker);
    const heavier = heavierThan(decided, s.notice!.intended);
    if (heavier && s.defended)
      refuse(s, `the decision may not be heavier than the notice after the party defended itself (${heavier})`, 'Art 45');
    if (heavier) refuse(s, `a heavier penalty than the notice needs a new prior notice (${heavier})`, 'Art 44');
  } else if (c.data.penalty && (c.data.penalty.kinds ?? []).length > 0) {
    throw new ValidationError(`a ${outcome} decision carries no penalty`, [{ field: 'penalty', message: 'must be empty' }]);
  }
  const reasons = legalReviewReasons(s, decided, policy);
  if (reasons.length > 0 && !legalReviewDone(s)) refuse(s, `legal review required before the decision: ${reasons.join('; ')}`, 'Art 58');
  const data = {
    caseId: s.caseId,
    outcome,
    penalty: decided,
    reasons: text(c.data.reasons, 'reasons', 4000),
    approvedBy: c.actor.subject,
    decidedAt: now,
    onTime: true,
    serviceDeadline: outcome === 'transfer' ? null : due(policy, now, 'service'),
    publicationDeadline: outcome === 'penalty' ? due(policy, now, 'publication') : null,
  };
  return [{ type: 'enforcement.case.decided.v1', data }];
}

/** 简易程序 (Art 51): warning or a small fine, decided and served at once by two officers. */
export function decideOnTheSpot(c: DecideOnTheSpot, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const squadId = SquadId(c.data.squadId);
  requireSquad(c.actor, c.type, squadId, officer, approver);
  if (state.status !== 'none') refuse(state, `case ${state.caseId} already exists`, 'one case per decision');
  const p = party(c.data.party);
  const decided = penalty(c.data.penalty);
  const other = decided.kinds.filter((k) => k !== 'warning' && k !== 'fine');
  if (other.length > 0)
    throw new ValidationError(`on the spot only a warning or a fine (行政处罚法 Art 51); not ${other.join(', ')}`, [
      { field: 'penalty.kinds', message: 'not on-the-spot' },
    ]);
  const cap = policy.onTheSpotCapFen[p.type];
  if (decided.fineFen > cap) {
    throw new ValidationError(
      `an on-the-spot fine for a ${p.type} is at most ${formatYuan(cap)} (行政处罚法 Art 51); ${formatYuan(decided.fineFen)} needs the ordinary procedure`,
      [{ field: 'penalty.fineFen', message: 'above the on-the-spot cap' }],
    );
  }
  const now = at(c.data);
  const data = {
    caseId: EnforcementCaseId(c.data.caseId),
    squadId,
    district: text(c.data.district, 'district', 40),
    source: caseSource(c.data.source),
    party: p,
    penalty: decided,
    officers: twoOfficers(c.data.officers),
    facts: text(c.data.facts, 'facts', 2000),
    decidedAt: now,
    paymentDeadline: decided.fineFen > 0 ? due(policy, now, 'payment') : null,
  };
  return [{ type: 'enforcement.case.decided_on_the_spot.v1', data }];
}

/** Art 61: electronic service only with the party's recorded consent. */
export function recordServiceConsent(c: RecordServiceConsent, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'consent is given before service', 'lead', 'investigating', 'notice', 'decided');
  return [
    {
      type: 'enforcement.case.service_consent_recorded.v1',
      data: { caseId: s.caseId, channel: text(c.data.channel, 'channel', 200), at: at(c.data) },
    },
  ];
}

/** 送达 within 7 working days (Art 61); the payment period (Art 67) and the appeal periods start here. */
export function serveDecision(c: ServeDecision, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'Art 61: service of a decision taken', 'decided');
  const method = oneOf(c.data.method, SERVICE_METHODS, 'method');
  if (method === 'electronic' && !s.electronicConsent) refuse(s, 'electronic service without the party’s recorded consent', 'Art 61');
  const now = at(c.data);
  const fine = s.decision?.penalty?.fineFen ?? 0;
  const reviewEnd = toMillis(due(policy, now, 'administrativeReview'));
  const appealsLapseAt = Math.max(reviewEnd, endOfDayMonthsAfter(toMillis(now), policy.litigationMonths));
  const data = {
    caseId: s.caseId,
    method,
    servedAt: now,
    onTime: notAfter(now, s.decision!.serviceDeadline!),
    paymentDeadline: fine > 0 ? due(policy, now, 'payment') : null,
    appealsLapseAt: instantOf(appealsLapseAt),
    courtApplicationLatest: instantOf(endOfDayMonthsAfter(appealsLapseAt - 1, policy.courtApplicationMonths)),
  };
  return [{ type: 'enforcement.case.decision_served.v1', data }];
}

const penaltySummary = (p: Penalty | null): string =>
  p
    ? [
        ...p.kinds.map((k) => (k === 'fine' ? `罚款 ${formatYuan(p.fineFen)}` : k)),
        ...(p.confiscationFen > 0 ? [`没收 ${formatYuan(p.confiscationFen)}`] : []),
      ].join('; ')
    : '';

/** 双公示 within 7 working days; names and ids of persons masked. */
export function publishDecision(c: PublishDecision, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver, system);
  const pub = s.publication;
  if (!pub || s.status === 'revoked') refuse(s, 'no penalty decision to publish', '双公示: penalty decisions');
  if (pub.publishedAt) refuse(s, `published at ${pub.publishedAt}`, '双公示: once');
  const now = at(c.data);
  const data = {
    caseId: s.caseId,
    publicName: s.party?.publicName ?? '',
    publicId: s.party?.publicId ?? '',
    cause: s.cause,
    penaltySummary: penaltySummary(s.decision?.penalty ?? null),
    publishedAt: now,
    onTime: notAfter(now, pub.dueAt),
  };
  return [{ type: 'enforcement.case.decision_published.v1', data }];
}

/** A decision revoked (撤销); a published one must be withdrawn within 3 working days (Art 48). */
export function revokeDecision(c: RevokeDecision, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireRole(c.actor, c.type, bureauHead);
  inStatus(
    s,
    c.type,
    'only a decision that stands can be revoked',
    'decided',
    'awaiting_payment',
    'demanded',
    'court_applied',
    'court_ruled',
    'executed',
  );
  const now = at(c.data);
  const withdrawalDeadline = s.publication?.publishedAt ? due(policy, now, 'withdrawal') : null;
  return [
    {
      type: 'enforcement.case.decision_revoked.v1',
      data: { caseId: s.caseId, reason: text(c.data.reason, 'reason'), approvedBy: c.actor.subject, at: now, withdrawalDeadline },
    },
  ];
}

export function withdrawPublication(c: WithdrawPublication, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver, system);
  inStatus(s, c.type, 'Art 48: a revoked decision is withdrawn', 'revoked');
  const pub = s.publication;
  if (!pub?.withdrawalDueAt || pub.withdrawnAt) refuse(s, 'nothing published to withdraw', 'Art 48');
  const now = at(c.data);
  return [
    { type: 'enforcement.case.publication_withdrawn.v1', data: { caseId: s.caseId, at: now, onTime: notAfter(now, pub.withdrawalDueAt) } },
  ];
}
