import { ProtobufEventCodec, type EventCodec, type ProtobufMessageCodec } from '@yiwang/kernel-kafka';
import * as pb from '@yiwang/proto/yiwang/enforcement/v1/enforcement_events';
import { type EnforcementEventType } from '../../domain';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T; fromPartial(object: never): T };

/** Fields the domain keeps as null ("none"); protobuf has no null, so they travel empty. */
const NULLABLE = ['party', 'penalty', 'serviceDeadline', 'publicationDeadline', 'paymentDeadline', 'withdrawalDeadline'];

function restoreNulls(data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const key of NULLABLE) if (key in out && (out[key] === undefined || out[key] === '')) out[key] = null;
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own message type
const entry = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<any> => ({
  messageType: `yiwang.enforcement.v1.${name}`,
  // fromPartial turns the domain's nulls into protobuf defaults.
  encode: (data: unknown) => fns.encode(fns.fromPartial(data as never)).finish(),
  decode: (bytes: Uint8Array) => restoreNulls(fns.decode(bytes) as Record<string, unknown>),
});

/** One protobuf message per event type: the contract of `yiwang.enforcement.events.v1`. */
export const ENFORCEMENT_EVENT_MESSAGES: Readonly<Record<EnforcementEventType, ProtobufMessageCodec>> = {
  'enforcement.case.source_registered.v1': entry('SourceRegistered', pb.SourceRegistered),
  'enforcement.case.party_identified.v1': entry('PartyIdentified', pb.PartyIdentified),
  'enforcement.case.lead_check_extended.v1': entry('LeadCheckExtended', pb.LeadCheckExtended),
  'enforcement.case.investigation_recorded.v1': entry('InvestigationRecorded', pb.InvestigationRecorded),
  'enforcement.case.evidence_preserved.v1': entry('EvidencePreserved', pb.EvidencePreserved),
  'enforcement.case.preservation_decided.v1': entry('PreservationDecided', pb.PreservationDecided),
  'enforcement.case.filed.v1': entry('CaseFiled', pb.CaseFiled),
  'enforcement.case.not_filed.v1': entry('NotFiled', pb.NotFiled),
  'enforcement.case.legal_review_recorded.v1': entry('LegalReviewRecorded', pb.LegalReviewRecorded),
  'enforcement.case.prior_notice_served.v1': entry('PriorNoticeServed', pb.PriorNoticeServed),
  'enforcement.case.statement_recorded.v1': entry('StatementRecorded', pb.StatementRecorded),
  'enforcement.case.hearing_requested.v1': entry('HearingRequested', pb.HearingRequested),
  'enforcement.case.hearing_scheduled.v1': entry('HearingScheduled', pb.HearingScheduled),
  'enforcement.case.hearing_held.v1': entry('HearingHeld', pb.HearingHeld),
  'enforcement.case.decision_limit_extended.v1': entry('DecisionLimitExtended', pb.DecisionLimitExtended),
  'enforcement.case.decided.v1': entry('CaseDecided', pb.CaseDecided),
  'enforcement.case.decided_on_the_spot.v1': entry('DecidedOnTheSpot', pb.DecidedOnTheSpot),
  'enforcement.case.service_consent_recorded.v1': entry('ServiceConsentRecorded', pb.ServiceConsentRecorded),
  'enforcement.case.decision_served.v1': entry('DecisionServed', pb.DecisionServed),
  'enforcement.case.payment_recorded.v1': entry('PaymentRecorded', pb.PaymentRecorded),
  'enforcement.case.payment_demanded.v1': entry('PaymentDemanded', pb.PaymentDemanded),
  'enforcement.case.court_enforcement_applied.v1': entry('CourtEnforcementApplied', pb.CourtEnforcementApplied),
  'enforcement.case.court_ruling_recorded.v1': entry('CourtRulingRecorded', pb.CourtRulingRecorded),
  'enforcement.case.decision_published.v1': entry('DecisionPublished', pb.DecisionPublished),
  'enforcement.case.decision_revoked.v1': entry('DecisionRevoked', pb.DecisionRevoked),
  'enforcement.case.publication_withdrawn.v1': entry('PublicationWithdrawn', pb.PublicationWithdrawn),
  'enforcement.case.deadline_missed.v1': entry('DeadlineMissed', pb.DeadlineMissed),
  'enforcement.case.construction_stop_ordered.v1': entry('ConstructionStopOrdered', pb.ConstructionStopOrdered),
  'enforcement.case.demolition_announced.v1': entry('DemolitionAnnounced', pb.DemolitionAnnounced),
  'enforcement.case.demolition_demanded.v1': entry('DemolitionDemanded', pb.DemolitionDemanded),
  'enforcement.case.forced_demolition_decided.v1': entry('ForcedDemolitionDecided', pb.ForcedDemolitionDecided),
  'enforcement.case.demolition_scheduled.v1': entry('DemolitionScheduled', pb.DemolitionScheduled),
  'enforcement.case.demolished.v1': entry('Demolished', pb.Demolished),
  'enforcement.case.closed.v1': entry('CaseClosed', pb.CaseClosed),
  'enforcement.case.archived.v1': entry('CaseArchived', pb.CaseArchived),
  'enforcement.case.personal_data_erased.v1': entry('PersonalDataErased', pb.PersonalDataErased),
};

export const ENFORCEMENT_EVENT_TYPES = Object.keys(ENFORCEMENT_EVENT_MESSAGES) as readonly EnforcementEventType[];

/** The codec of `yiwang.enforcement.events.v1`: protobuf, strict (an event without a message is a bug). */
export const enforcementEventCodec = (): EventCodec => new ProtobufEventCodec(ENFORCEMENT_EVENT_MESSAGES);
