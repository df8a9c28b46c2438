import type { DomainEvent } from '@yiwang/kernel-core';
import { type VehicleRef } from '../shared/plate';
import { type ViolationKind } from '../rules/parking-rules';
import { type Instant, type Place, type SquadId, type ViolationId } from '../shared/values';

/**
 * Events of a parking violation (`parking-violation-<id>`), from the record to its end: moved on
 * (劝离), a notice (违停告知单), a penalty paid, or a hand-over to the traffic police. Versioned type
 * strings: a changed payload gets `.v2` and an upcaster, never an edit. No plate in clear.
 */
export type ViolationSource = 'officer' | 'camera';
export type ClosedOutcome = 'moved_on' | 'driver_left' | 'paid' | 'transferred' | 'cancelled';
export type TransferReason = 'notice_ignored' | 'unpaid';

export type ViolationRecorded = DomainEvent<
  'parking.violation.recorded.v1',
  Readonly<{
    violationId: ViolationId;
    source: ViolationSource;
    cameraId: string;
    vehicle: VehicleRef;
    location: Place;
    kind: ViolationKind;
    spaceId: string;
    observedAt: Instant;
    photoRefs: readonly string[];
    squad: SquadId;
    obstructing: boolean;
    /** The fine of the city's table for this kind (the notice may set another within 20–200). */
    tableFine: number;
    /** A dispatch case (机动车乱停放) this violation answers, or ''. */
    dispatchCaseId: string;
    recordedBy: string;
    recordedAt: Instant;
  }>
>;
/** 劝离: the driver was there and told to move; `complied` false means refused (and obstructs). */
export type DriverWarned = DomainEvent<
  'parking.violation.driver_warned.v1',
  Readonly<{ violationId: ViolationId; complied: boolean; by: string; warnedAt: Instant }>
>;
/** 违停告知单 on the windscreen (or by post for camera records). */
export type NoticeIssued = DomainEvent<
  'parking.violation.notice_issued.v1',
  Readonly<{
    violationId: ViolationId;
    noticeNo: string;
    fine: number;
    servedBy: 'windscreen' | 'post';
    comeForwardBy: Instant;
    transferDueAt: Instant;
    issuedAt: Instant;
  }>
>;
/** 行政强制事先告知书: the owner may state and defend before compulsion (行政强制法 Art 35–36). */
export type PriorNoticeServed = DomainEvent<
  'parking.violation.prior_notice_served.v1',
  Readonly<{ violationId: ViolationId; noticeNo: string; statementBy: Instant; servedAt: Instant }>
>;
/** Towing of an obstructing vehicle (道路交通安全法 Art 93): free to the owner, who is told where. */
export type TowingOrdered = DomainEvent<
  'parking.violation.towing_ordered.v1',
  Readonly<{
    violationId: ViolationId;
    depot: string;
    reason: string;
    chargedToOwner: false;
    ownerToldBy: 'windscreen' | 'phone' | 'post';
    orderedAt: Instant;
  }>
>;
/** The owner came forward (接受处理): a penalty decision, payable within 15 days. */
export type PenaltyDecided = DomainEvent<
  'parking.violation.penalty_decided.v1',
  Readonly<{ violationId: ViolationId; decisionNo: string; fine: number; payBy: Instant; transferDueAt: Instant; decidedAt: Instant }>
>;
export type FinePaid = DomainEvent<
  'parking.violation.fine_paid.v1',
  Readonly<{ violationId: ViolationId; fine: number; daysLate: number; surcharge: number; total: number; paidAt: Instant }>
>;
/** The recorded hand-over to the traffic police (移交公安交管). */
export type TransferredToTrafficPolice = DomainEvent<
  'parking.violation.transferred.v1',
  Readonly<{
    violationId: ViolationId;
    reason: TransferReason;
    fine: number;
    surchargeAccrued: number;
    handoverRef: string;
    transferredAt: Instant;
  }>
>;
export type ViolationClosed = DomainEvent<
  'parking.violation.closed.v1',
  Readonly<{ violationId: ViolationId; outcome: ClosedOutcome; note: string; dispatchCaseId: string; squad: SquadId; closedAt: Instant }>
>;
/** The vehicle's sealed data was erased (PIPL); the plate is unreadable from now on. */
export type ViolationPersonalDataErased = DomainEvent<
  'parking.violation.personal_data_erased.v1',
  Readonly<{ violationId: ViolationId; erasedAt: Instant }>
>;

export type ViolationEvent =
  | ViolationRecorded
  | DriverWarned
  | NoticeIssued
  | PriorNoticeServed
  | TowingOrdered
  | PenaltyDecided
  | FinePaid
  | TransferredToTrafficPolice
  | ViolationClosed
  | ViolationPersonalDataErased;

export const VIOLATION_EVENT_TYPES = [
  'parking.violation.recorded.v1',
  'parking.violation.driver_warned.v1',
  'parking.violation.notice_issued.v1',
  'parking.violation.prior_notice_served.v1',
  'parking.violation.towing_ordered.v1',
  'parking.violation.penalty_decided.v1',
  'parking.violation.fine_paid.v1',
  'parking.violation.transferred.v1',
  'parking.violation.closed.v1',
  'parking.violation.personal_data_erased.v1',
] as const satisfies readonly ViolationEvent['type'][];

export const violationStreamId = (id: string): string => `parking-violation-${id}`;
