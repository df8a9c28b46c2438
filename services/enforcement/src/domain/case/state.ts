import { assertNever } from '@yiwang/kernel-core';
import { type EnforcementCaseId, type Instant, type SquadId } from '../shared/values';
import { type CaseSource, type DecisionOutcome, type EnforcementEvent, type ServiceMethod } from './events';
import { type Party, type Penalty } from './party-and-penalty';

/**
 * Where a case stands (案件状态):
 * `lead` 核查中 → `investigating` 已立案/调查取证 → `notice` 已告知 → `decided` 已决定 →
 * `awaiting_payment` 待缴款 → `demanded` 已催告 → `court_applied` 已申请法院执行 → `court_ruled`;
 * `executed` 已执行 (paid, or nothing to pay); `transferred` 移送司法; `revoked` 已撤销;
 * `not_filed` 不予立案; `closed` 已结案; `archived` 已归档.
 */
export const STATUSES = [
  'lead',
  'not_filed',
  'investigating',
  'notice',
  'decided',
  'awaiting_payment',
  'demanded',
  'court_applied',
  'court_ruled',
  'executed',
  'transferred',
  'revoked',
  'closed',
  'archived',
] as const;
export type Status = (typeof STATUSES)[number];

export type Preservation = Readonly<{ id: string; at: Instant; deadline: Instant; decidedAt: Instant | null }>;
export type Notice = Readonly<{
  intended: Penalty;
  servedAt: Instant;
  statementDeadline: Instant;
  hearingRight: boolean;
  hearingRequestDeadline: Instant;
}>;
export type Hearing = Readonly<{ requestedAt: Instant; hearingAt: Instant | null; heldAt: Instant | null }>;
export type Decision = Readonly<{
  outcome: DecisionOutcome;
  penalty: Penalty | null;
  decidedAt: Instant;
  serviceDeadline: Instant | null;
  onTheSpot: boolean;
}>;
export type Service = Readonly<{
  method: ServiceMethod;
  servedAt: Instant;
  paymentDeadline: Instant | null;
  appealsLapseAt: Instant;
  courtApplicationLatest: Instant;
}>;
export type Publication = Readonly<{
  dueAt: Instant;
  publishedAt: Instant | null;
  withdrawalDueAt: Instant | null;
  withdrawnAt: Instant | null;
}>;

/** 违法建设: the announced order to demolish and what followed (行政强制法 Art 35–37, 43, 44, 51). */
export type Demolition = Readonly<{
  announcedAt: Instant;
  demolishBy: Instant;
  demandedAt: Instant | null;
  complyBy: Instant | null;
  forcedAt: Instant | null;
  scheduledFor: Instant | null;
  doneAt: Instant | null;
  doneBy: 'party' | 'authority' | null;
}>;

/** One existing case. Sections are null until their step happened, so each check reads one field. */
export type EnforcementCase = Readonly<{
  status: Status;
  caseId: EnforcementCaseId;
  squadId: SquadId;
  district: string;
  source: CaseSource;
  party: Party | null;
  receivedAt: Instant;
  checkDeadline: Instant;
  checkExtended: boolean;
  cause: string;
  flags: readonly string[];
  filedAt: Instant | null;
  decisionDeadline: Instant | null;
  actCount: number;
  evidenceCount: number;
  preservations: readonly Preservation[];
  legalReview: Readonly<{ outcome: 'approved' | 'returned'; at: Instant }> | null;
  notice: Notice | null;
  defended: boolean;
  waivedHearing: boolean;
  hearing: Hearing | null;
  decision: Decision | null;
  electronicConsent: boolean;
  service: Service | null;
  paidAt: Instant | null;
  demand: Readonly<{ demandedAt: Instant; courtApplicationEarliest: Instant }> | null;
  courtAppliedAt: Instant | null;
  publication: Publication | null;
  stopOrderedAt: Instant | null;
  demolition: Demolition | null;
  missed: readonly string[];
  closedAt: Instant | null;
  erased: boolean;
}>;

export type CaseState = Readonly<{ status: 'none' }> | EnforcementCase;
export const initialCaseState = (): CaseState => ({ status: 'none' });

const blank = {
  checkExtended: false,
  cause: '',
  flags: [],
  filedAt: null,
  decisionDeadline: null,
  actCount: 0,
  evidenceCount: 0,
  preservations: [],
  legalReview: null,
  notice: null,
  defended: false,
  waivedHearing: false,
  hearing: null,
  decision: null,
  electronicConsent: false,
  service: null,
  paidAt: null,
  demand: null,
  courtAppliedAt: null,
  publication: null,
  stopOrderedAt: null,
  demolition: null,
  missed: [],
  closedAt: null,
  erased: false,
} as const;

/** The key under which a missed deadline is remembered (once per kind and deadline). */
export const missedKey = (kind: string, deadline: string): string => `${kind}@${deadline}`;

/** Events only ever arrive in an order `decide` produced, so a mismatch is a corrupt stream. */
function corrupt(state: CaseState, event: EnforcementEvent): never {
  throw new Error(`enforcement stream is corrupt: ${event.type} in state ${state.status}`);
}

/** A party that removes the structure before any announcement: nothing left to enforce. */
const demolishedWithoutNotice = (at: Instant, by: 'party' | 'authority'): Demolition => ({
  announcedAt: at,
  demolishBy: at,
  demandedAt: null,
  complyBy: null,
  forcedAt: null,
  scheduledFor: null,
  doneAt: at,
  doneBy: by,
});

export function evolveCase(state: CaseState, event: EnforcementEvent): CaseState {
  if (event.type === 'enforcement.case.source_registered.v1') {
    const d = event.data;
    return {
      ...blank,
      status: 'lead',
      caseId: d.caseId,
      squadId: d.squadId,
      district: d.district,
      source: d.source,
      party: d.party,
      receivedAt: d.receivedAt,
      checkDeadline: d.checkDeadline,
    };
  }
  if (event.type === 'enforcement.case.decided_on_the_spot.v1') {
    const d = event.data;
    const decision: Decision = { outcome: 'penalty', penalty: d.penalty, decidedAt: d.decidedAt, serviceDeadline: null, onTheSpot: true };
    const far = d.decidedAt;
    const service: Service = {
      method: 'in_person',
      servedAt: d.decidedAt,
      paymentDeadline: d.paymentDeadline,
      appealsLapseAt: far,
      courtApplicationLatest: far,
    };
    const base = {
      ...blank,
      caseId: d.caseId,
      squadId: d.squadId,
      district: d.district,
      source: d.source,
      party: d.party,
      receivedAt: d.decidedAt,
      checkDeadline: d.decidedAt,
    };
    return {
      ...base,
      status: d.paymentDeadline ? 'awaiting_payment' : 'executed',
      cause: d.facts,
      filedAt: d.decidedAt,
      decision,
      service,
      actCount: 1,
    };
  }
  if (state.status === 'none') return corrupt(state, event);
  const s = state;
  switch (event.type) {
    case 'enforcement.case.party_identified.v1':
      return { ...s, party: event.data.party };
    case 'enforcement.case.lead_check_extended.v1':
      return { ...s, checkDeadline: event.data.newDeadline, checkExtended: true };
    case 'enforcement.case.investigation_recorded.v1':
      return { ...s, actCount: s.actCount + 1, evidenceCount: s.evidenceCount + event.data.evidence.length };
    case 'enforcement.case.evidence_preserved.v1':
      return {
        ...s,
        preservations: [
          ...s.preservations,
          { id: event.data.preservationId, at: event.data.at, deadline: event.data.decisionDeadline, decidedAt: null },
        ],
      };
    case 'enforcement.case.preservation_decided.v1':
      return {
        ...s,
        preservations: s.preservations.map((p) => (p.id === event.data.preservationId ? { ...p, decidedAt: event.data.at } : p)),
      };
    case 'enforcement.case.filed.v1':
      return {
        ...s,
        status: 'investigating',
        cause: event.data.cause,
        flags: event.data.flags,
        filedAt: event.data.filedAt,
        decisionDeadline: event.data.decisionDeadline,
      };
    case 'enforcement.case.not_filed.v1':
      return { ...s, status: 'not_filed' };
    case 'enforcement.case.legal_review_recorded.v1':
      return { ...s, legalReview: { outcome: event.data.outcome, at: event.data.at } };
    case 'enforcement.case.prior_notice_served.v1': {
      const { intended, servedAt, statementDeadline, hearingRight, hearingRequestDeadline } = event.data;
      return { ...s, status: 'notice', notice: { intended, servedAt, statementDeadline, hearingRight, hearingRequestDeadline } };
    }
    case 'enforcement.case.statement_recorded.v1':
      return { ...s, defended: true, waivedHearing: s.waivedHearing || event.data.waivesHearing };
    case 'enforcement.case.hearing_requested.v1':
      return { ...s, defended: true, hearing: { requestedAt: event.data.at, hearingAt: null, heldAt: null } };
    case 'enforcement.case.hearing_scheduled.v1':
      return s.hearing ? { ...s, hearing: { ...s.hearing, hearingAt: event.data.hearingAt } } : corrupt(s, event);
    case 'enforcement.case.hearing_held.v1':
      return s.hearing
        ? { ...s, hearing: { ...s.hearing, heldAt: event.data.heldAt }, decisionDeadline: event.data.decisionDeadline }
        : corrupt(s, event);
    case 'enforcement.case.decision_limit_extended.v1':
      return { ...s, decisionDeadline: event.data.newDeadline };
    case 'enforcement.case.decided.v1': {
      const d = event.data;
      const status = d.outcome === 'transfer' ? 'transferred' : 'decided';
      const publication = d.publicationDeadline
        ? { dueAt: d.publicationDeadline, publishedAt: null, withdrawalDueAt: null, withdrawnAt: null }
        : null;
      return {
        ...s,
        status,
        decision: { outcome: d.outcome, penalty: d.penalty, decidedAt: d.decidedAt, serviceDeadline: d.serviceDeadline, onTheSpot: false },
        publication,
      };
    }
    case 'enforcement.case.service_consent_recorded.v1':
      return { ...s, electronicConsent: true };
    case 'enforcement.case.decision_served.v1': {
      const { method, servedAt, paymentDeadline, appealsLapseAt, courtApplicationLatest } = event.data;
      return {
        ...s,
        status: paymentDeadline ? 'awaiting_payment' : 'executed',
        service: { method, servedAt, paymentDeadline, appealsLapseAt, courtApplicationLatest },
      };
    }
    case 'enforcement.case.payment_recorded.v1':
      return { ...s, status: 'executed', paidAt: event.data.paidAt };
    case 'enforcement.case.payment_demanded.v1':
      return {
        ...s,
        status: 'demanded',
        demand: { demandedAt: event.data.demandedAt, courtApplicationEarliest: event.data.courtApplicationEarliest },
      };
    case 'enforcement.case.court_enforcement_applied.v1':
      return { ...s, status: 'court_applied', courtAppliedAt: event.data.appliedAt };
    case 'enforcement.case.court_ruling_recorded.v1':
      return { ...s, status: 'court_ruled' };
    case 'enforcement.case.decision_published.v1':
      return s.publication ? { ...s, publication: { ...s.publication, publishedAt: event.data.publishedAt } } : corrupt(s, event);
    case 'enforcement.case.decision_revoked.v1': {
      const due = event.data.withdrawalDeadline;
      return {
        ...s,
        status: 'revoked',
        publication: s.publication && due ? { ...s.publication, withdrawalDueAt: due } : s.publication?.publishedAt ? s.publication : null,
      };
    }
    case 'enforcement.case.publication_withdrawn.v1':
      return s.publication ? { ...s, publication: { ...s.publication, withdrawnAt: event.data.at } } : corrupt(s, event);
    case 'enforcement.case.deadline_missed.v1':
      return { ...s, missed: [...s.missed, missedKey(event.data.kind, event.data.deadline)] };
    case 'enforcement.case.construction_stop_ordered.v1':
      return { ...s, stopOrderedAt: event.data.at };
    case 'enforcement.case.demolition_announced.v1': {
      const { announcedAt, demolishBy } = event.data;
      const demolition: Demolition = {
        announcedAt,
        demolishBy,
        demandedAt: null,
        complyBy: null,
        forcedAt: null,
        scheduledFor: null,
        doneAt: null,
        doneBy: null,
      };
      return { ...s, demolition };
    }
    case 'enforcement.case.demolition_demanded.v1':
      return s.demolition
        ? { ...s, demolition: { ...s.demolition, demandedAt: event.data.demandedAt, complyBy: event.data.complyBy } }
        : corrupt(s, event);
    case 'enforcement.case.forced_demolition_decided.v1':
      return s.demolition ? { ...s, demolition: { ...s.demolition, forcedAt: event.data.decidedAt } } : corrupt(s, event);
    case 'enforcement.case.demolition_scheduled.v1':
      return s.demolition ? { ...s, demolition: { ...s.demolition, scheduledFor: event.data.demolitionAt } } : corrupt(s, event);
    case 'enforcement.case.demolished.v1':
      return s.demolition
        ? { ...s, demolition: { ...s.demolition, doneAt: event.data.at, doneBy: event.data.by } }
        : { ...s, demolition: demolishedWithoutNotice(event.data.at, event.data.by) };
    case 'enforcement.case.closed.v1':
      return { ...s, status: 'closed', closedAt: event.data.at };
    case 'enforcement.case.archived.v1':
      return { ...s, status: 'archived' };
    case 'enforcement.case.personal_data_erased.v1':
      return {
        ...s,
        erased: true,
        party: s.party ? { ...s.party, name: '', idNumber: '', phone: '', address: '', publicName: '(已删除)', publicId: '' } : null,
      };
    default:
      return assertNever(event, 'enforcement event');
  }
}
