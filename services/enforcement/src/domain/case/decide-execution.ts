import { ValidationError } from '@yiwang/kernel-core';
import { type EnforcementPolicy } from '../policy/policy';
import { Roles, requireRole, requireSquad } from '../shared/actor';
import { Instant, fen, formatYuan, oneOf, text, toMillis } from '../shared/values';
import {
  type ApplyToCourt,
  type ArchiveCase,
  type CloseCase,
  type DemandPayment,
  type ErasePersonalData,
  type MarkDeadlineMissed,
  type RecordCourtRuling,
  type RecordPayment,
} from './commands';
import { amountDue, runningDeadlines } from './deadlines';
import { type EnforcementEvent } from './events';
import { at, due, existing, inStatus, notAfter, refuse } from './guards';
import { missedKey, type CaseState } from './state';

const { officer, approver, bureauHead, system } = Roles;

/** Payment of the fine and the surcharge accrued so far (Art 67, Art 72), in full. */
export function recordPayment(c: RecordPayment, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'Art 67: a served fine is paid', 'awaiting_payment', 'demanded', 'court_applied');
  const now = at(c.data);
  const owed = amountDue(s, toMillis(now), policy);
  const paid = fen(c.data.amountFen, 'amountFen');
  if (paid !== owed.totalFen) {
    throw new ValidationError(
      `amount due is ${formatYuan(owed.totalFen)} (fine ${formatYuan(owed.fineFen)} + surcharge ${formatYuan(owed.surchargeFen)}, 行政处罚法 Art 72); got ${formatYuan(paid)}`,
      [{ field: 'amountFen', message: `expected ${owed.totalFen}` }],
    );
  }
  return [
    {
      type: 'enforcement.case.payment_recorded.v1',
      data: {
        caseId: s.caseId,
        fineFen: owed.fineFen,
        surchargeFen: owed.surchargeFen,
        receipt: text(c.data.receipt, 'receipt', 100),
        paidAt: now,
      },
    },
  ];
}

/** 催告 (行政强制法 Art 54) once the fine is unpaid and the appeal periods have lapsed (Art 53). */
export function demandPayment(c: DemandPayment, state: CaseState, policy: EnforcementPolicy): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, '行政强制法 Art 54: a demand for an unpaid fine', 'awaiting_payment');
  const now = at(c.data);
  const service = s.service!;
  if (notAfter(now, service.paymentDeadline!)) refuse(s, `the payment period runs until ${service.paymentDeadline}`, '行政处罚法 Art 67');
  if (toMillis(now) < toMillis(service.appealsLapseAt)) {
    refuse(
      s,
      `review (60 days) and litigation (6 months) periods run until ${service.appealsLapseAt}`,
      '行政强制法 Art 53: enforcement after the appeal periods',
    );
  }
  const owed = amountDue(s, toMillis(now), policy);
  const data = {
    caseId: s.caseId,
    fineFen: owed.fineFen,
    surchargeFen: owed.surchargeFen,
    demandedAt: now,
    courtApplicationEarliest: due(policy, now, 'demandBeforeCourt'),
  };
  return [{ type: 'enforcement.case.payment_demanded.v1', data }];
}

/**
 * 非诉执行: once the demand's 10 days have run out (Art 54; working days, Art 69), within 3 months
 * of the lapse (Art 53). `courtApplicationEarliest` is the end of the demand's last working day,
 * so the application is refused up to and including it.
 */
export function applyToCourt(c: ApplyToCourt, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(s, c.type, '行政强制法 Art 54: the court is asked after a demand', 'demanded');
  const now = at(c.data);
  const earliest = s.demand!.courtApplicationEarliest;
  if (notAfter(now, earliest)) refuse(s, `the demand’s 10 working days run until ${earliest}`, '行政强制法 Art 54, Art 69');
  const latest = s.service!.courtApplicationLatest;
  if (!notAfter(now, latest)) refuse(s, `the 3 months to apply ended at ${latest}`, '行政强制法 Art 53');
  return [
    {
      type: 'enforcement.case.court_enforcement_applied.v1',
      data: { caseId: s.caseId, court: text(c.data.court, 'court', 200), appliedAt: now },
    },
  ];
}

export function recordCourtRuling(c: RecordCourtRuling, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, 'a ruling answers an application', 'court_applied');
  const ruling = oneOf(c.data.ruling, ['enforce', 'reject'] as const, 'ruling');
  return [
    {
      type: 'enforcement.case.court_ruling_recorded.v1',
      data: { caseId: s.caseId, ruling, note: text(c.data.note, 'note'), at: at(c.data) },
    },
  ];
}

/** The scan's mark: once per running deadline, only after it passed. */
export function markDeadlineMissed(c: MarkDeadlineMissed, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireRole(c.actor, c.type, system);
  const deadline = Instant(c.data.deadline, 'deadline');
  const running = runningDeadlines(s).find((d) => d.kind === c.data.kind && toMillis(d.deadline) === toMillis(deadline));
  if (!running) refuse(s, `no running ${String(c.data.kind)} deadline at ${deadline}`, 'deadline scan');
  if (s.missed.includes(missedKey(running.kind, running.deadline))) return [];
  const now = at(c.data);
  if (toMillis(now) <= toMillis(deadline)) refuse(s, `${running.kind} is due at ${deadline}, not yet passed`, 'deadline scan');
  return [
    { type: 'enforcement.case.deadline_missed.v1', data: { caseId: s.caseId, kind: running.kind, deadline: running.deadline, at: now } },
  ];
}

/** 结案 with the whole record (Art 47): nothing pending, published or withdrawn where owed. */
export function closeCase(c: CloseCase, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver);
  inStatus(
    s,
    c.type,
    'a case closes once its decision is executed, transferred, revoked or ruled on',
    'executed',
    'transferred',
    'revoked',
    'court_ruled',
  );
  if (s.preservations.some((p) => !p.decidedAt)) refuse(s, 'preserved evidence awaits its disposition', 'Art 56');
  if (s.status !== 'revoked' && s.decision?.penalty?.kinds.includes('order_demolition') && !s.demolition?.doneAt)
    refuse(s, 'the illegal structure has not been removed', '行政强制法 Art 44');
  const pub = s.publication;
  if (pub && !pub.publishedAt && s.status !== 'revoked') refuse(s, 'the decision is not published yet', '双公示');
  if (pub?.withdrawalDueAt && !pub.withdrawnAt) refuse(s, 'the revoked decision is still published', 'Art 48');
  return [{ type: 'enforcement.case.closed.v1', data: { caseId: s.caseId, result: text(c.data.result, 'result'), at: at(c.data) } }];
}

export function archiveCase(c: ArchiveCase, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, officer, approver);
  inStatus(s, c.type, '归档 after 结案 or 不予立案', 'closed', 'not_filed');
  return [{ type: 'enforcement.case.archived.v1', data: { caseId: s.caseId, at: at(c.data) } }];
}

/** PIPL erasure: the event marks it; the service shreds the case's key in the vault. */
export function erasePersonalData(c: ErasePersonalData, state: CaseState): EnforcementEvent[] {
  const s = existing(state, c.type);
  requireSquad(c.actor, c.type, s.squadId, approver, bureauHead);
  if (s.erased) return [];
  return [{ type: 'enforcement.case.personal_data_erased.v1', data: { caseId: s.caseId, by: c.actor.subject, at: at(c.data) } }];
}
