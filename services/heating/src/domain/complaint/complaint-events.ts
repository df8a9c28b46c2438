import type { DomainEvent } from '@yiwang/kernel-core';
import { type Cause, type ComplaintTerms } from '../config';
import { type CompanyId, type ComplaintId, type HouseholdId, type Instant } from '../shared/values';

/**
 * Events of the complaint stream (`heating-complaint-<id>`), from the complaint (投诉) through the
 * on-site measurement (入户测温), the sub-standard finding, the fix and re-measurement, to the
 * refund (退费) and closure. Versioned type strings: a changed payload gets `.v2` and an upcaster.
 */

/** How a complaint came in: 12345 via the operations centre, a citizen, the supervision office, a monitoring finding. */
export const CHANNELS = ['hotline', 'citizen', 'supervision', 'monitoring'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ROOM_TYPES = ['bedroom', 'living_room', 'other'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];
export const RESIDENT_RESPONSES = ['signed', 'disputed', 'absent'] as const;
export type ResidentResponse = (typeof RESIDENT_RESPONSES)[number];
export type MeasurementKind = 'initial' | 'remeasurement' | 'third_party';

/** Contact and address, sealed with the complaint's data key before the append (null: none given, or not kept). */
export type SealedContact = Readonly<{ name: string; phone: string; address: string }>;
export type RoomReading = Readonly<{ room: string; roomType: RoomType; deci: number }>;
/** How the reading was taken (测温方法): doors and windows closed ≥ 1 h, room centre, ~1 m high. */
export type MeasurementMethod = Readonly<{ doorsClosedMinutes: number; position: 'room_centre'; heightCm: number }>;

type E<T extends string, D> = DomainEvent<`heating.complaint.${T}.v1`, Readonly<D>>;

export type ComplaintReceived = E<
  'received',
  {
    complaintId: ComplaintId;
    householdId: HouseholdId;
    compoundId: string;
    companyId: CompanyId;
    channel: Channel;
    pointId: string;
    description: string;
    contact: SealedContact | null;
    externalRef: string;
    receivedAt: Instant;
    measureDeadline: Instant;
    terms: ComplaintTerms;
  }
>;
export type ComplaintAcknowledged = E<
  'acknowledged',
  { complaintId: ComplaintId; companyId: CompanyId; by: string; acknowledgedAt: Instant }
>;
export type TemperatureMeasured = E<
  'measured',
  {
    complaintId: ComplaintId;
    companyId: CompanyId;
    kind: MeasurementKind;
    rooms: readonly RoomReading[];
    method: MeasurementMethod;
    measuredBy: string;
    department: string;
    photoRefs: readonly string[];
    residentResponse: ResidentResponse;
    lowestDeci: number;
    compliant: boolean;
    /** The limit in force for this measurement ('' for re-measurements, which have none) and whether it was met. */
    deadline: string;
    onTime: boolean;
    note: string;
    measuredAt: Instant;
  }
>;
export type ThirdPartyOrdered = E<
  'third_party_ordered',
  { complaintId: ComplaintId; labId: string; note: string; by: string; orderedAt: Instant }
>;
/** 不达标: the period runs from `since` (the complaint) until a compliant re-measurement. */
export type SubstandardFound = E<
  'substandard_found',
  {
    complaintId: ComplaintId;
    companyId: CompanyId;
    since: Instant;
    lowestDeci: number;
    cause: Cause;
    fixDeadline: Instant;
    foundAt: Instant;
  }
>;
export type FixReported = E<
  'fix_reported',
  {
    complaintId: ComplaintId;
    companyId: CompanyId;
    notes: string;
    photoRefs: readonly string[];
    fixDeadline: Instant;
    onTime: boolean;
    reportedAt: Instant;
  }
>;
export type HeatingRestored = E<
  'restored',
  { complaintId: ComplaintId; companyId: CompanyId; since: Instant; until: Instant; days: number; restoredAt: Instant }
>;
export type RefundComputed = E<
  'refund_computed',
  {
    complaintId: ComplaintId;
    companyId: CompanyId;
    householdId: HouseholdId;
    days: number;
    lowestDeci: number;
    percent: number;
    heatedAreaCentiM2: number;
    dailyFeeCentsPerM2: number;
    cause: Cause;
    /** True when the city excludes the cause from refunds: refundCents is then 0. */
    excluded: boolean;
    refundCents: number;
    rule: string;
    computedAt: Instant;
  }
>;
export type RefundApproved = E<
  'refund_approved',
  {
    complaintId: ComplaintId;
    companyId: CompanyId;
    householdId: HouseholdId;
    refundCents: number;
    by: string;
    note: string;
    approvedAt: Instant;
  }
>;
export type ComplaintClosed = E<
  'closed',
  { complaintId: ComplaintId; companyId: CompanyId; outcome: 'compliant' | 'refunded' | 'no_refund'; closedAt: Instant }
>;
export type OverdueMarked = E<
  'overdue_marked',
  { complaintId: ComplaintId; companyId: CompanyId; limit: 'measurement' | 'fix'; deadline: Instant; markedAt: Instant }
>;
/** 督办: counted against the company. */
export type ComplaintSupervised = E<
  'supervised',
  { complaintId: ComplaintId; companyId: CompanyId; note: string; by: string; supervisedAt: Instant }
>;
export type PersonalDataErased = E<'personal_data_erased', { complaintId: ComplaintId; by: string; erasedAt: Instant }>;

export type ComplaintEvent =
  | ComplaintReceived
  | ComplaintAcknowledged
  | TemperatureMeasured
  | ThirdPartyOrdered
  | SubstandardFound
  | FixReported
  | HeatingRestored
  | RefundComputed
  | RefundApproved
  | ComplaintClosed
  | OverdueMarked
  | ComplaintSupervised
  | PersonalDataErased;

export type ComplaintEventType = ComplaintEvent['type'];

export const COMPLAINT_EVENT_TYPES: readonly ComplaintEventType[] = [
  'heating.complaint.received.v1',
  'heating.complaint.acknowledged.v1',
  'heating.complaint.measured.v1',
  'heating.complaint.third_party_ordered.v1',
  'heating.complaint.substandard_found.v1',
  'heating.complaint.fix_reported.v1',
  'heating.complaint.restored.v1',
  'heating.complaint.refund_computed.v1',
  'heating.complaint.refund_approved.v1',
  'heating.complaint.closed.v1',
  'heating.complaint.overdue_marked.v1',
  'heating.complaint.supervised.v1',
  'heating.complaint.personal_data_erased.v1',
];

export const complaintStreamId = (id: string): string => `heating-complaint-${id}`;
