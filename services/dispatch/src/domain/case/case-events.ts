import type { DomainEvent } from '@yiwang/kernel-core';
import { type CaseId, type CategoryCode, type Instant, type ReportId, type UnitId } from '../shared/values';

/**
 * Events of the case stream (`case-<id>`), from dispatch (任务派遣) to evaluation (综合评价).
 * Versioned type strings: a changed payload gets `.v2` and an upcaster, never an edit.
 */

/** Why a unit asks to hand a case back (退回原因). `other` needs a note. */
export const RETURN_REASONS = [
  'not_our_remit',
  'wrong_location',
  'wrong_category',
  'duplicate_dispatch',
  'needs_other_department',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** Satisfaction as the supervision centre records it (满意 / 基本满意 / 不满意). */
export const EVALUATION_RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type EvaluationRating = (typeof EVALUATION_RATINGS)[number];

export type DispatchKind = 'initial' | 'redispatch' | 'reopen';

export type CaseOpened = DomainEvent<
  'dispatch.case.opened.v1',
  Readonly<{
    caseId: CaseId;
    reportId: ReportId;
    category: CategoryCode;
    cellId: string;
    district: string;
    urgency: string;
    openedAt: Instant;
  }>
>;
export type CaseDispatched = DomainEvent<
  'dispatch.case.dispatched.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; deadline: Instant; dispatchedAt: Instant; kind: DispatchKind }>
>;
export type CaseSignedFor = DomainEvent<
  'dispatch.case.signed_for.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; signedAt: Instant; by: string }>
>;
export type ReturnRequested = DomainEvent<
  'dispatch.case.return_requested.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; reasons: readonly ReturnReason[]; note: string; requestedAt: Instant }>
>;
export type ReturnApproved = DomainEvent<
  'dispatch.case.return_approved.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; note: string; decidedAt: Instant }>
>;
export type ReturnRejected = DomainEvent<
  'dispatch.case.return_rejected.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; note: string; decidedAt: Instant }>
>;
export type ExtensionRequested = DomainEvent<
  'dispatch.case.extension_requested.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; currentDeadline: Instant; requestedDeadline: Instant; reason: string; requestedAt: Instant }>
>;
export type ExtensionApproved = DomainEvent<
  'dispatch.case.extension_approved.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; previousDeadline: Instant; newDeadline: Instant; note: string; decidedAt: Instant }>
>;
export type ExtensionRejected = DomainEvent<
  'dispatch.case.extension_rejected.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; note: string; decidedAt: Instant }>
>;
export type SuspensionRequested = DomainEvent<
  'dispatch.case.suspension_requested.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; reason: string; requestedAt: Instant }>
>;
export type SuspensionApproved = DomainEvent<
  'dispatch.case.suspension_approved.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; note: string; decidedAt: Instant }>
>;
export type SuspensionRejected = DomainEvent<
  'dispatch.case.suspension_rejected.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; note: string; decidedAt: Instant }>
>;
export type HandlingReported = DomainEvent<
  'dispatch.case.handling_reported.v1',
  Readonly<{
    caseId: CaseId;
    unitId: UnitId;
    notes: string;
    photoRefs: readonly string[];
    reportedAt: Instant;
    deadline: Instant;
    onTime: boolean;
  }>
>;
export type CaseVerified = DomainEvent<
  'dispatch.case.verified.v1',
  Readonly<{
    caseId: CaseId;
    inspector: string;
    outcome: 'passed' | 'failed';
    notes: string;
    photoRefs: readonly string[];
    verifiedAt: Instant;
  }>
>;
export type CaseClosed = DomainEvent<
  'dispatch.case.closed.v1',
  Readonly<{ caseId: CaseId; reportId: ReportId; unitId: UnitId; onTime: boolean; closedAt: Instant }>
>;
export type ReworkOrdered = DomainEvent<
  'dispatch.case.rework_ordered.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; reason: string; deadline: Instant; reworkCount: number; orderedAt: Instant }>
>;
export type CaseSupervised = DomainEvent<
  'dispatch.case.supervised.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; note: string; by: string; supervisedAt: Instant }>
>;
export type OverdueMarked = DomainEvent<
  'dispatch.case.overdue_marked.v1',
  Readonly<{ caseId: CaseId; unitId: UnitId; deadline: Instant; markedAt: Instant }>
>;
export type CaseReopened = DomainEvent<'dispatch.case.reopened.v1', Readonly<{ caseId: CaseId; reason: string; reopenedAt: Instant }>>;
export type CaseEvaluated = DomainEvent<
  'dispatch.case.evaluated.v1',
  Readonly<{ caseId: CaseId; rating: EvaluationRating; note: string; evaluatedAt: Instant }>
>;

export type CaseEvent =
  | CaseOpened
  | CaseDispatched
  | CaseSignedFor
  | ReturnRequested
  | ReturnApproved
  | ReturnRejected
  | ExtensionRequested
  | ExtensionApproved
  | ExtensionRejected
  | SuspensionRequested
  | SuspensionApproved
  | SuspensionRejected
  | HandlingReported
  | CaseVerified
  | CaseClosed
  | ReworkOrdered
  | CaseSupervised
  | OverdueMarked
  | CaseReopened
  | CaseEvaluated;

export type CaseEventType = CaseEvent['type'];

export const caseStreamId = (caseId: CaseId): string => `case-${caseId}`;
