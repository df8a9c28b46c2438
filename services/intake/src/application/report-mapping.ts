import type { EventMapping, RecordedEvent } from '@yiwang/kernel-core';
import { type ReportEvent } from '../domain';

const REPORT_EVENT_TYPES: ReadonlySet<string> = new Set<ReportEvent['type']>([
  'intake.report.received.v1',
  'intake.report.filed.v1',
  'intake.report.rejected.v1',
  'intake.report.marked_duplicate.v1',
  'intake.report.duplicate_absorbed.v1',
  'intake.report.case_linked.v1',
  'intake.report.reporter_notified.v1',
  'intake.report.closed.v1',
  'intake.report.reporter_contact_erased.v1',
]);

/** Stored events ↔ the report decider's events (same type and data: the store keeps domain data as is). */
export const reportEventMapping: EventMapping<ReportEvent> = {
  fromRecorded: (e: RecordedEvent) => (REPORT_EVENT_TYPES.has(e.type) ? ({ type: e.type, data: e.data } as ReportEvent) : null),
  toNew: (e) => ({ type: e.type, data: e.data }),
};

export const isReportEvent = (e: { type: string }): boolean => REPORT_EVENT_TYPES.has(e.type);
