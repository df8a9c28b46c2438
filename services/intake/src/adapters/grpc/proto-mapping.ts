import { ValidationError } from '@yiwang/kernel-core';
import { type GeoPoint } from '@yiwang/proto/yiwang/common/v1/common';
import {
  CaseStep,
  Channel,
  Crs,
  RejectionReason,
  ReportStatus,
  type CaseProgress as CaseProgressMessage,
  type Report,
} from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { REJECTION_REASONS, type Channel as DomainChannel, type RejectionReason as DomainReason } from '../../domain';
import { type ReportView } from '../../application/projections/reports-projection';
import { type Crs as DomainCrs } from '../../application/coordinate-systems';
import { type CaseProgress, type CaseStep as DomainCaseStep } from '../../application/case-progress/case-progress';

/** Conversions between the gRPC API's messages and the application's types, in one place. */

const CHANNELS: Readonly<Record<DomainChannel, Channel>> = {
  inspector: Channel.CHANNEL_INSPECTOR,
  camera: Channel.CHANNEL_CAMERA,
  hotline: Channel.CHANNEL_HOTLINE,
  citizen: Channel.CHANNEL_CITIZEN,
  sensor: Channel.CHANNEL_SENSOR,
  opscenter: Channel.CHANNEL_OPSCENTER,
};

const STATUSES: Readonly<Record<ReportView['status'], ReportStatus>> = {
  awaiting_filing: ReportStatus.REPORT_STATUS_AWAITING_FILING,
  filed: ReportStatus.REPORT_STATUS_FILED,
  rejected: ReportStatus.REPORT_STATUS_REJECTED,
  duplicate: ReportStatus.REPORT_STATUS_DUPLICATE,
  closed: ReportStatus.REPORT_STATUS_CLOSED,
};

const REASONS: Readonly<Record<DomainReason, RejectionReason>> = {
  out_of_scope: RejectionReason.REJECTION_REASON_OUT_OF_SCOPE,
  insufficient_information: RejectionReason.REJECTION_REASON_INSUFFICIENT_INFORMATION,
  location_unclear: RejectionReason.REJECTION_REASON_LOCATION_UNCLEAR,
  not_found_on_site: RejectionReason.REJECTION_REASON_NOT_FOUND_ON_SITE,
  already_resolved: RejectionReason.REJECTION_REASON_ALREADY_RESOLVED,
  private_property: RejectionReason.REJECTION_REASON_PRIVATE_PROPERTY,
  other: RejectionReason.REJECTION_REASON_OTHER,
};

export function reasonFromProto(reason: RejectionReason): DomainReason {
  const found = REJECTION_REASONS.find((r) => REASONS[r] === reason);
  if (!found)
    throw new ValidationError('reason is required', [{ field: 'reason', message: 'must be a RejectionReason other than UNSPECIFIED' }]);
  return found;
}

export const crsFromProto = (crs: Crs): DomainCrs => (crs === Crs.CRS_GCJ02 ? 'gcj02' : crs === Crs.CRS_BD09 ? 'bd09' : 'wgs84');

/** A GeoPoint as the domain's `{ lat, lon }`; a missing point is a validation error. */
export function locationFromProto(p: GeoPoint | undefined): { lat: number; lon: number } {
  if (!p) throw new ValidationError('location is required', [{ field: 'location', message: 'is required' }]);
  return { lat: p.latitude, lon: p.longitude };
}

const STEPS: Readonly<Record<DomainCaseStep, CaseStep>> = {
  awaiting_dispatch: CaseStep.CASE_STEP_AWAITING_DISPATCH,
  dispatched: CaseStep.CASE_STEP_DISPATCHED,
  in_progress: CaseStep.CASE_STEP_IN_PROGRESS,
  return_requested: CaseStep.CASE_STEP_RETURN_REQUESTED,
  returned: CaseStep.CASE_STEP_RETURNED,
  extension_requested: CaseStep.CASE_STEP_EXTENSION_REQUESTED,
  suspension_requested: CaseStep.CASE_STEP_SUSPENSION_REQUESTED,
  suspended: CaseStep.CASE_STEP_SUSPENDED,
  awaiting_verification: CaseStep.CASE_STEP_AWAITING_VERIFICATION,
  rework: CaseStep.CASE_STEP_REWORK,
  closed: CaseStep.CASE_STEP_CLOSED,
};

export function caseProgressToProto(p: CaseProgress): CaseProgressMessage {
  return {
    caseId: p.caseId,
    step: STEPS[p.step],
    unitId: p.unit?.id ?? '',
    unitName: p.unit?.name.zh ?? '',
    deadline: p.deadline ? new Date(p.deadline) : undefined,
    overdue: p.overdue,
    handlingNotes: p.handlingNotes ?? '',
    closedAt: p.closedAt ? new Date(p.closedAt) : undefined,
    closedOnTime: p.closedOnTime ?? false,
    updatedAt: new Date(p.updatedAt),
  };
}

/** The report, with its case's progress when intake has heard of it (only for filed reports). */
export function reportToProto(v: ReportView, progress: CaseProgress | null = null): Report {
  return {
    caseProgress: progress && v.status !== 'duplicate' && v.status !== 'rejected' ? caseProgressToProto(progress) : undefined,
    reportId: v.reportId,
    status: STATUSES[v.status],
    channel: CHANNELS[v.channel],
    categoryCode: v.category,
    location: { latitude: v.location.lat, longitude: v.location.lon },
    cell: v.cell ?? undefined,
    receivedAt: new Date(v.receivedAt),
    masterReportId: v.masterReportId ?? '',
    caseId: v.caseId ?? '',
    duplicateCount: v.duplicateCount,
    rejectionReason: v.rejection
      ? (REASONS[v.rejection.reason as DomainReason] ?? RejectionReason.REJECTION_REASON_UNSPECIFIED)
      : RejectionReason.REJECTION_REASON_UNSPECIFIED,
    externalId: v.externalId ?? '',
  };
}
