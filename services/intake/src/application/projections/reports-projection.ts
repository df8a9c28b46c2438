import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import { type CellRef, type Channel, type LatLon, type ReportEvent, type ReportStatus } from '../../domain';
import { reportEventMapping } from '../report-mapping';

/**
 * The `reports` read model: one small document per report (keyed by report id) for status
 * queries — citizens by token, Open311, staff by id — and one per tracking token pointing at it.
 * Only `_id` lookups, so FerretDB serves them from its index. No personal data is copied here:
 * only whether a contact exists.
 */
export type ReportView = {
  reportId: string;
  status: Exclude<ReportStatus, 'none'>;
  channel: Channel;
  category: string;
  unitType: string;
  location: LatLon;
  cell: CellRef | null;
  description: string;
  photoRefs: string[];
  receivedAt: string;
  updatedAt: string;
  externalId: string | null;
  hasContact: boolean;
  caseId: string | null;
  masterReportId: string | null;
  duplicateCount: number;
  rejection: { reason: string; note: string } | null;
  /** A line for the reporter, in Chinese and English (Open311 `status_notes`). */
  statusNotes: string;
};
export type TokenView = { reportId: string };

export const REPORTS_PROJECTION = 'reports';
export const reportModels = (m: ReadModels) => ({ byId: m.model<ReportView>('by_id'), byToken: m.model<TokenView>('by_token') });

const NOTES: Record<ReportView['status'], string> = {
  awaiting_filing: '待立案 — received, awaiting review by the supervision centre',
  filed: '已立案 — filed, being handled',
  rejected: '不予立案 — not filed',
  duplicate: '已合并 — merged into an earlier report of the same problem',
  closed: '已结案 — resolved and closed',
};

function apply(e: ReportEvent, view: ReportView | null): ReportView | null {
  if (e.type === 'intake.report.received.v1') {
    const d = e.data;
    return {
      reportId: d.reportId,
      status: 'awaiting_filing',
      channel: d.channel,
      category: d.category.code,
      unitType: d.category.unitType,
      location: d.location,
      cell: d.cell,
      description: d.description,
      photoRefs: [...d.photoRefs],
      receivedAt: d.receivedAt,
      updatedAt: d.receivedAt,
      externalId: d.externalId,
      hasContact: d.reporter !== null,
      caseId: null,
      masterReportId: null,
      duplicateCount: 0,
      rejection: null,
      statusNotes: NOTES.awaiting_filing,
    };
  }
  if (view === null) return null; // an event of a report whose reception we never saw: nothing to show
  switch (e.type) {
    case 'intake.report.filed.v1':
      return { ...view, status: 'filed', cell: e.data.cell, updatedAt: e.data.filedAt, statusNotes: NOTES.filed };
    case 'intake.report.rejected.v1':
      return {
        ...view,
        status: 'rejected',
        rejection: { reason: e.data.reason, note: e.data.note },
        updatedAt: e.data.rejectedAt,
        statusNotes: `${NOTES.rejected}: ${e.data.reason}${e.data.note ? ` (${e.data.note})` : ''}`,
      };
    case 'intake.report.marked_duplicate.v1':
      return {
        ...view,
        status: 'duplicate',
        masterReportId: e.data.masterReportId,
        caseId: e.data.caseId,
        updatedAt: e.data.markedAt,
        statusNotes: `${NOTES.duplicate} (${e.data.masterReportId})`,
      };
    case 'intake.report.duplicate_absorbed.v1':
      return { ...view, duplicateCount: e.data.duplicateCount, updatedAt: e.data.absorbedAt };
    case 'intake.report.case_linked.v1':
      return { ...view, caseId: e.data.caseId, updatedAt: e.data.linkedAt };
    case 'intake.report.reporter_notified.v1':
      return view;
    case 'intake.report.closed.v1':
      return { ...view, status: 'closed', caseId: e.data.caseId ?? view.caseId, updatedAt: e.data.closedAt, statusNotes: NOTES.closed };
    case 'intake.report.reporter_contact_erased.v1':
      return { ...view, hasContact: false };
    default:
      return view;
  }
}

export const reportsProjection: Projection = {
  name: REPORTS_PROJECTION,
  handles: [
    'intake.report.received.v1',
    'intake.report.filed.v1',
    'intake.report.rejected.v1',
    'intake.report.marked_duplicate.v1',
    'intake.report.duplicate_absorbed.v1',
    'intake.report.case_linked.v1',
    'intake.report.closed.v1',
    'intake.report.reporter_contact_erased.v1',
  ],
  async apply(recorded: LoggedEvent | RecordedEvent, models: ReadModels) {
    const event = reportEventMapping.fromRecorded(recorded);
    if (event === null) return;
    const { byId, byToken } = reportModels(models);
    const guard = { streamId: recorded.streamId, streamVersion: recorded.streamVersion };
    await byId.upsert(event.data.reportId, guard, (current) => apply(event, current));
    if (event.type === 'intake.report.received.v1' && event.data.trackingToken) {
      await byToken.upsert(event.data.trackingToken, guard, () => ({ reportId: event.data.reportId }));
    }
  },
};
