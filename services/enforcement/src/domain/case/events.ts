import type { DomainEvent } from '@yiwang/kernel-core';
import { type EnforcementCaseId, type Instant, type SquadId } from '../shared/values';
import { type Party, type Penalty } from './party-and-penalty';

/**
 * Events of the enforcement case stream (`enforcement-<id>`), from the case source (案源) to the
 * archive (归档). Versioned type strings: a changed payload gets `.v2` and an upcaster.
 */

/** Where a case comes from (案源). */
export const SOURCE_KINDS = [
  'own_discovery',
  'dispatch_case',
  'hotline_work_order',
  'parking_escalation',
  'complaint',
  'transfer_in',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export type CaseSource = Readonly<{ kind: SourceKind; ref: string; description: string; location: string; category: string }>;

/** Evidence kinds (证据种类, Art 46), with camera records (电子技术监控) apart for Art 41. */
export const EVIDENCE_KINDS = [
  'documentary',
  'physical',
  'audiovisual',
  'electronic',
  'witness',
  'statement',
  'expert_opinion',
  'inspection_record',
  'camera',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
export type Evidence = Readonly<{
  kind: EvidenceKind;
  description: string;
  fileRefs: readonly string[];
  cameraSiteId: string;
  collectedBy: readonly string[];
  collectedAt: Instant;
}>;

export const ACT_KINDS = ['inspection', 'inquiry', 'sampling', 'survey', 'video_review'] as const;
export type ActKind = (typeof ACT_KINDS)[number];

export const PRESERVATION_DISPOSITIONS = ['return', 'seize', 'confiscate', 'forward', 'release'] as const;
export type PreservationDisposition = (typeof PRESERVATION_DISPOSITIONS)[number];

export const DECISION_OUTCOMES = ['penalty', 'no_penalty', 'transfer'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export const SERVICE_METHODS = ['in_person', 'left_at_address', 'post', 'electronic', 'public_notice'] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];

/** Deadlines the scan marks when they pass (preservation ones carry their id: `preservation:<id>`). */
export type DeadlineKind =
  | 'lead_check'
  | 'decision'
  | 'service'
  | 'payment'
  | 'court_application'
  | 'publication'
  | 'withdrawal'
  | 'self_demolition'
  | 'demolition_demand'
  | `preservation:${string}`;

/** Who removed an illegal structure: the party in its period, or the authority (代履行). */
export const DEMOLISHED_BY = ['party', 'authority'] as const;
export type DemolishedBy = (typeof DEMOLISHED_BY)[number];

type Id = { caseId: EnforcementCaseId };
type E<T extends string, D> = DomainEvent<`enforcement.case.${T}.v1`, Readonly<Id & D>>;

export type SourceRegistered = E<
  'source_registered',
  { squadId: SquadId; district: string; source: CaseSource; party: Party | null; receivedAt: Instant; checkDeadline: Instant }
>;
export type PartyIdentified = E<'party_identified', { party: Party; at: Instant }>;
export type LeadCheckExtended = E<
  'lead_check_extended',
  { reason: string; previousDeadline: Instant; newDeadline: Instant; approvedBy: string; at: Instant }
>;
export type InvestigationRecorded = E<
  'investigation_recorded',
  { actId: string; kind: ActKind; officers: readonly string[]; notes: string; evidence: readonly Evidence[]; at: Instant }
>;
export type EvidencePreserved = E<
  'evidence_preserved',
  {
    preservationId: string;
    items: readonly string[];
    officers: readonly string[];
    approvedBy: string;
    at: Instant;
    decisionDeadline: Instant;
  }
>;
export type PreservationDecided = E<
  'preservation_decided',
  { preservationId: string; disposition: PreservationDisposition; note: string; at: Instant; onTime: boolean }
>;
export type CaseFiled = E<
  'filed',
  { cause: string; flags: readonly string[]; approvedBy: string; filedAt: Instant; decisionDeadline: Instant; checkOnTime: boolean }
>;
export type NotFiled = E<'not_filed', { reason: string; approvedBy: string; at: Instant; checkOnTime: boolean }>;
export type LegalReviewRecorded = E<
  'legal_review_recorded',
  { outcome: 'approved' | 'returned'; opinion: string; reviewer: string; at: Instant }
>;
export type PriorNoticeServed = E<
  'prior_notice_served',
  {
    intended: Penalty;
    facts: string;
    grounds: string;
    servedAt: Instant;
    statementDeadline: Instant;
    hearingRight: boolean;
    hearingRequestDeadline: Instant;
  }
>;
export type StatementRecorded = E<'statement_recorded', { summary: string; waivesHearing: boolean; at: Instant }>;
export type HearingRequested = E<'hearing_requested', { at: Instant }>;
export type HearingScheduled = E<'hearing_scheduled', { hearingAt: Instant; place: string; notifiedAt: Instant; hearingOfficer: string }>;
export type HearingHeld = E<
  'hearing_held',
  { record: string; heldAt: Instant; hearingOfficer: string; previousDecisionDeadline: Instant; decisionDeadline: Instant }
>;
export type DecisionLimitExtended = E<
  'decision_limit_extended',
  { reason: string; previousDeadline: Instant; newDeadline: Instant; approvedBy: string; at: Instant }
>;
export type CaseDecided = E<
  'decided',
  {
    outcome: DecisionOutcome;
    penalty: Penalty | null;
    reasons: string;
    approvedBy: string;
    decidedAt: Instant;
    onTime: boolean;
    serviceDeadline: Instant | null;
    publicationDeadline: Instant | null;
  }
>;
export type DecidedOnTheSpot = E<
  'decided_on_the_spot',
  {
    squadId: SquadId;
    district: string;
    source: CaseSource;
    party: Party;
    penalty: Penalty;
    officers: readonly string[];
    facts: string;
    decidedAt: Instant;
    paymentDeadline: Instant | null;
  }
>;
export type ServiceConsentRecorded = E<'service_consent_recorded', { channel: string; at: Instant }>;
export type DecisionServed = E<
  'decision_served',
  {
    method: ServiceMethod;
    servedAt: Instant;
    onTime: boolean;
    paymentDeadline: Instant | null;
    appealsLapseAt: Instant;
    courtApplicationLatest: Instant;
  }
>;
export type PaymentRecorded = E<'payment_recorded', { fineFen: number; surchargeFen: number; receipt: string; paidAt: Instant }>;
export type PaymentDemanded = E<
  'payment_demanded',
  { fineFen: number; surchargeFen: number; demandedAt: Instant; courtApplicationEarliest: Instant }
>;
export type CourtEnforcementApplied = E<'court_enforcement_applied', { court: string; appliedAt: Instant }>;
export type CourtRulingRecorded = E<'court_ruling_recorded', { ruling: 'enforce' | 'reject'; note: string; at: Instant }>;
export type DecisionPublished = E<
  'decision_published',
  { publicName: string; publicId: string; cause: string; penaltySummary: string; publishedAt: Instant; onTime: boolean }
>;
export type DecisionRevoked = E<
  'decision_revoked',
  { reason: string; approvedBy: string; at: Instant; withdrawalDeadline: Instant | null }
>;
export type PublicationWithdrawn = E<'publication_withdrawn', { at: Instant; onTime: boolean }>;
export type DeadlineMissed = E<'deadline_missed', { kind: DeadlineKind; deadline: Instant; at: Instant }>;
export type ConstructionStopOrdered = E<'construction_stop_ordered', { order: string; orderedBy: string; at: Instant }>;
export type DemolitionAnnounced = E<'demolition_announced', { notice: string; announcedAt: Instant; demolishBy: Instant }>;
export type DemolitionDemanded = E<'demolition_demanded', { demandedAt: Instant; complyBy: Instant }>;
export type ForcedDemolitionDecided = E<
  'forced_demolition_decided',
  { reasons: string; approvedBy: string; decidedAt: Instant; appealsLapsedAt: Instant }
>;
export type DemolitionScheduled = E<'demolition_scheduled', { executor: string; announcedAt: Instant; demolitionAt: Instant }>;
export type Demolished = E<'demolished', { by: DemolishedBy; note: string; at: Instant }>;
export type CaseClosed = E<'closed', { result: string; at: Instant }>;
export type CaseArchived = E<'archived', { at: Instant }>;
export type PersonalDataErased = E<'personal_data_erased', { by: string; at: Instant }>;

export type EnforcementEvent =
  | SourceRegistered
  | PartyIdentified
  | LeadCheckExtended
  | InvestigationRecorded
  | EvidencePreserved
  | PreservationDecided
  | CaseFiled
  | NotFiled
  | LegalReviewRecorded
  | PriorNoticeServed
  | StatementRecorded
  | HearingRequested
  | HearingScheduled
  | HearingHeld
  | DecisionLimitExtended
  | CaseDecided
  | DecidedOnTheSpot
  | ServiceConsentRecorded
  | DecisionServed
  | PaymentRecorded
  | PaymentDemanded
  | CourtEnforcementApplied
  | CourtRulingRecorded
  | DecisionPublished
  | DecisionRevoked
  | PublicationWithdrawn
  | DeadlineMissed
  | ConstructionStopOrdered
  | DemolitionAnnounced
  | DemolitionDemanded
  | ForcedDemolitionDecided
  | DemolitionScheduled
  | Demolished
  | CaseClosed
  | CaseArchived
  | PersonalDataErased;

export type EnforcementEventType = EnforcementEvent['type'];

export const enforcementStreamId = (caseId: string): string => `enforcement-${caseId}`;
export const caseIdOfStream = (streamId: string): string => streamId.replace(/^enforcement-/, '');

/** Events whose data carries a `party` (sealed in the store, redacted in the log). */
export const PARTY_EVENT_TYPES: readonly EnforcementEventType[] = [
  'enforcement.case.source_registered.v1',
  'enforcement.case.party_identified.v1',
  'enforcement.case.decided_on_the_spot.v1',
];
