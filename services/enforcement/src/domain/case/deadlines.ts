import { type EnforcementPolicy } from '../policy/policy';
import { type Instant, toMillis } from '../shared/values';
import { type DeadlineKind } from './events';
import { surchargeFen } from './party-and-penalty';
import { missedKey, type EnforcementCase } from './state';

export type RunningDeadline = Readonly<{ kind: DeadlineKind; deadline: Instant }>;

/**
 * The statutory periods running now for a case: what the deadline read model keeps and the scan
 * marks when they pass. Derived from state only, so a replay or a restart finds the same ones.
 */
export function runningDeadlines(s: EnforcementCase): RunningDeadline[] {
  const out: RunningDeadline[] = [];
  if (s.status === 'lead') out.push({ kind: 'lead_check', deadline: s.checkDeadline });
  for (const p of s.preservations) if (!p.decidedAt) out.push({ kind: `preservation:${p.id}`, deadline: p.deadline });
  if ((s.status === 'investigating' || s.status === 'notice') && s.decisionDeadline)
    out.push({ kind: 'decision', deadline: s.decisionDeadline });
  if (s.status === 'decided' && s.decision?.serviceDeadline) out.push({ kind: 'service', deadline: s.decision.serviceDeadline });
  if (s.status === 'awaiting_payment' && s.service?.paymentDeadline) out.push({ kind: 'payment', deadline: s.service.paymentDeadline });
  if (s.status === 'demanded' && s.service) out.push({ kind: 'court_application', deadline: s.service.courtApplicationLatest });
  const dem = s.demolition;
  if (dem && !dem.doneAt && !dem.demandedAt) out.push({ kind: 'self_demolition', deadline: dem.demolishBy });
  if (dem?.complyBy && !dem.doneAt && !dem.forcedAt) out.push({ kind: 'demolition_demand', deadline: dem.complyBy });
  const pub = s.publication;
  if (pub && !pub.publishedAt && s.status !== 'revoked') out.push({ kind: 'publication', deadline: pub.dueAt });
  if (pub?.withdrawalDueAt && !pub.withdrawnAt) out.push({ kind: 'withdrawal', deadline: pub.withdrawalDueAt });
  return out;
}

/** The earliest running deadline not yet marked as missed (what the scan waits for), or null. */
export function nextDeadline(s: EnforcementCase): RunningDeadline | null {
  const open = runningDeadlines(s).filter((d) => !s.missed.includes(missedKey(d.kind, d.deadline)));
  open.sort((a, b) => toMillis(a.deadline) - toMillis(b.deadline));
  return open[0] ?? null;
}

/** Running deadlines already past at `nowMs` (overdue, for lists). */
export const overdueDeadlines = (s: EnforcementCase, nowMs: number): RunningDeadline[] =>
  runningDeadlines(s).filter((d) => toMillis(d.deadline) < nowMs);

/** The fine, the surcharge so far (Art 72, capped at the fine) and their sum, at `atMs`. */
export function amountDue(
  s: EnforcementCase,
  atMs: number,
  policy: EnforcementPolicy,
): { fineFen: number; surchargeFen: number; totalFen: number } {
  const fine = s.decision?.penalty?.fineFen ?? 0;
  const deadline = s.service?.paymentDeadline;
  const surcharge = deadline ? surchargeFen(fine, toMillis(deadline), atMs, policy.surchargePercentPerDay) : 0;
  return { fineFen: fine, surchargeFen: surcharge, totalFen: fine + surcharge };
}
