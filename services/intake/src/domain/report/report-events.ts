import type { DomainEvent } from '@yiwang/kernel-core';
import { type Category } from '../categories/category';
import { type CellRef } from '../geo/unit-grid';
import { type LatLon } from '../geo/coordinates';
import { type Instant, type ReportId } from '../shared/values';
import { type Handover, type Household } from './handover';

/** Events of the report stream (`report-<id>`): collection (信息收集) and filing (立案). */

export const CHANNELS = ['inspector', 'camera', 'hotline', 'citizen', 'sensor', 'opscenter'] as const;
/** 采集员 / 视频坐席 / 12345 热线 / 市民 / 物联感知 / 城运中心工单 */
export type Channel = (typeof CHANNELS)[number];

/**
 * Channels whose in-scope reports are filed at once: the supervision centre's own staff and
 * machines, and orders the operations centre has already accepted. Citizens and the hotline wait
 * for a supervisor's decision.
 */
export const AUTO_FILED_CHANNELS: readonly Channel[] = ['inspector', 'camera', 'sensor', 'opscenter'];

/** Not-filed reasons (不予立案原因), a fixed list so that they can be counted. `other` needs a note. */
export const REJECTION_REASONS = [
  'out_of_scope', // 不属于受理范围
  'insufficient_information', // 信息不全
  'location_unclear', // 位置不明
  'not_found_on_site', // 现场核实不存在
  'already_resolved', // 已自行解决
  'private_property', // 非公共区域 / 私人产权
  'other', // 其他
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** The category as it was when the report came in: later table edits do not rewrite history. */
export type CategorySnapshot = Pick<Category, 'code' | 'urgency' | 'unitType' | 'deadline'>;

/**
 * Personal data (PIPL): only here, in its own field, so that erasure can redact exactly this
 * field in the stored event (or drop its key under crypto-shredding) and nothing else.
 */
export type ReporterContact = Readonly<{ name: string | null; phone: string | null }>;

export type ReportReceived = DomainEvent<
  'intake.report.received.v1',
  Readonly<{
    reportId: ReportId;
    channel: Channel;
    category: CategorySnapshot;
    location: LatLon;
    cell: CellRef | null;
    description: string;
    photoRefs: readonly string[];
    reporter: ReporterContact | null;
    sensor: Readonly<{ deviceId: string; alarmId: string }> | null;
    externalId: string | null;
    trackingToken: string | null;
    receivedAt: Instant;
    /** Only on a heating complaint that names the flat (absent on every other report). */
    household?: Household;
  }>
>;
export type ReportFiled = DomainEvent<
  'intake.report.filed.v1',
  Readonly<{
    reportId: ReportId;
    by: 'rule' | 'centre';
    category: CategorySnapshot;
    cell: CellRef;
    location: LatLon;
    note: string;
    filedAt: Instant;
    /** Another service handles the report; dispatch opens no case for it. */
    handover?: Handover;
  }>
>;
export type ReportRejected = DomainEvent<
  'intake.report.rejected.v1',
  Readonly<{ reportId: ReportId; reason: RejectionReason; note: string; rejectedAt: Instant }>
>;
export type ReportMarkedDuplicate = DomainEvent<
  'intake.report.marked_duplicate.v1',
  Readonly<{ reportId: ReportId; masterReportId: ReportId; caseId: string | null; by: 'rule' | 'centre'; markedAt: Instant }>
>;
export type DuplicateAbsorbed = DomainEvent<
  'intake.report.duplicate_absorbed.v1',
  Readonly<{ reportId: ReportId; duplicateReportId: ReportId; duplicateCount: number; absorbedAt: Instant }>
>;
export type ReportLinkedToCase = DomainEvent<
  'intake.report.case_linked.v1',
  Readonly<{ reportId: ReportId; caseId: string; linkedAt: Instant }>
>;
export type ReporterNotified = DomainEvent<
  'intake.report.reporter_notified.v1',
  Readonly<{ reportId: ReportId; about: 'filed' | 'rejected' | 'duplicate' | 'closed'; notifiedAt: Instant }>
>;
export type ReportClosed = DomainEvent<
  'intake.report.closed.v1',
  Readonly<{ reportId: ReportId; caseId: string | null; closedAt: Instant }>
>;
export type ReporterContactErased = DomainEvent<
  'intake.report.reporter_contact_erased.v1',
  Readonly<{ reportId: ReportId; reason: string; erasedAt: Instant }>
>;

export type ReportEvent =
  | ReportReceived
  | ReportFiled
  | ReportRejected
  | ReportMarkedDuplicate
  | DuplicateAbsorbed
  | ReportLinkedToCase
  | ReporterNotified
  | ReportClosed
  | ReporterContactErased;

export const reportStreamId = (reportId: ReportId): string => `report-${reportId}`;
