import { assertNever } from '@yiwang/kernel-core';
import { type CellRef } from '../geo/unit-grid';
import { type LatLon } from '../geo/coordinates';
import { type Instant, type ReportId } from '../shared/values';
import { type CategorySnapshot, type Channel, type RejectionReason, type ReportEvent } from './report-events';
import { handoverOf, type Handover } from './handover';

/**
 * What the decider needs to remember. The contact itself is deliberately not kept: only whether
 * there is one, so that snapshots and caches hold no personal data.
 */
export type ReportFacts = Readonly<{
  reportId: ReportId;
  channel: Channel;
  category: CategorySnapshot;
  location: LatLon;
  cell: CellRef | null;
  receivedAt: Instant;
  hasContact: boolean;
  /** Results the reporter has been told, so a retried notification is not sent twice. */
  notified: readonly string[];
  /** Set when another service takes the report once filed (a household's heating complaint). */
  handover?: Handover;
}>;

/**
 * Report states: `awaiting_filing` 待立案 (citizen / hotline, or off the grid), `filed` 已立案,
 * `rejected` 不予立案, `duplicate` 已合并 (absorbed into another report's case), `closed` 已结案.
 */
export type ReportState =
  | Readonly<{ status: 'none' }>
  | (ReportFacts & Readonly<{ status: 'awaiting_filing' }>)
  | (ReportFacts & Readonly<{ status: 'filed'; cell: CellRef; caseId: string | null; duplicates: readonly ReportId[] }>)
  | (ReportFacts & Readonly<{ status: 'rejected'; reason: RejectionReason }>)
  | (ReportFacts & Readonly<{ status: 'duplicate'; masterReportId: ReportId; caseId: string | null }>)
  | (ReportFacts & Readonly<{ status: 'closed'; caseId: string | null }>);

export type ReportStatus = ReportState['status'];
export type ExistingReport = Exclude<ReportState, { status: 'none' }>;

export const initialReportState = (): ReportState => ({ status: 'none' });

function facts(s: ExistingReport): ReportFacts {
  const { reportId, channel, category, location, cell, receivedAt, hasContact, notified, handover } = s;
  return { reportId, channel, category, location, cell, receivedAt, hasContact, notified, ...(handover ? { handover } : {}) };
}

function corrupt(state: ReportState, event: ReportEvent): never {
  throw new Error(`report stream is corrupt: ${event.type} in state ${state.status}`);
}

export function evolveReport(state: ReportState, event: ReportEvent): ReportState {
  if (event.type === 'intake.report.received.v1') {
    const d = event.data;
    const handover = handoverOf(d);
    return {
      ...(handover ? { handover } : {}),
      status: 'awaiting_filing',
      ...{ reportId: d.reportId, channel: d.channel, category: d.category, location: d.location, cell: d.cell, receivedAt: d.receivedAt },
      hasContact: d.reporter !== null && (d.reporter.phone !== null || d.reporter.name !== null),
      notified: [],
    };
  }
  if (state.status === 'none') return corrupt(state, event);
  switch (event.type) {
    case 'intake.report.filed.v1':
      return state.status === 'awaiting_filing'
        ? { ...facts(state), status: 'filed', cell: event.data.cell, caseId: null, duplicates: [] }
        : corrupt(state, event);
    case 'intake.report.rejected.v1':
      return state.status === 'awaiting_filing'
        ? { ...facts(state), status: 'rejected', reason: event.data.reason }
        : corrupt(state, event);
    case 'intake.report.marked_duplicate.v1':
      return state.status === 'awaiting_filing'
        ? { ...facts(state), status: 'duplicate', masterReportId: event.data.masterReportId, caseId: event.data.caseId }
        : corrupt(state, event);
    case 'intake.report.duplicate_absorbed.v1':
      return state.status === 'filed'
        ? { ...state, duplicates: [...state.duplicates, event.data.duplicateReportId] }
        : corrupt(state, event);
    case 'intake.report.case_linked.v1':
      return state.status === 'filed' ? { ...state, caseId: event.data.caseId } : corrupt(state, event);
    case 'intake.report.reporter_notified.v1':
      return { ...state, notified: [...state.notified, event.data.about] };
    case 'intake.report.closed.v1':
      return state.status === 'filed' || state.status === 'duplicate'
        ? { ...facts(state), status: 'closed', caseId: event.data.caseId }
        : corrupt(state, event);
    case 'intake.report.reporter_contact_erased.v1':
      return { ...state, hasContact: false };
    default:
      return assertNever(event, 'report event');
  }
}
