import { assertNever } from '@yiwang/kernel-core';
import { type ReportEvent } from './report-events';

/**
 * The intake side of the indicators (立案率 = filed / received): counters of one report derived
 * from its events only, so a projection and a replay compute the same numbers. The dimensions
 * are what the report said when it came in.
 */
export type ReportCounterName = 'received' | 'filed' | 'autoFiled' | 'rejected' | 'duplicate' | 'closed';
export type ReportCounters = Readonly<{
  reportId: string;
  channel: string;
  category: string;
  district: string | null;
  receivedAt: string;
  counters: Readonly<Record<ReportCounterName, number>>;
}>;

export function reportCounters(events: readonly ReportEvent[]): ReportCounters | null {
  let head = null as Omit<ReportCounters, 'counters'> | null;
  const c: Record<ReportCounterName, number> = { received: 0, filed: 0, autoFiled: 0, rejected: 0, duplicate: 0, closed: 0 };
  for (const e of events) {
    switch (e.type) {
      case 'intake.report.received.v1':
        head = {
          reportId: e.data.reportId,
          channel: e.data.channel,
          category: e.data.category.code,
          district: e.data.cell?.district ?? null,
          receivedAt: e.data.receivedAt,
        };
        c.received = 1;
        break;
      case 'intake.report.filed.v1':
        c.filed = 1;
        c.autoFiled = e.data.by === 'rule' ? 1 : 0;
        // Filing may place an off-grid report: count it in the district it was filed in.
        if (head) head = { ...head, district: e.data.cell.district };
        break;
      case 'intake.report.rejected.v1':
        c.rejected = 1;
        break;
      case 'intake.report.marked_duplicate.v1':
        c.duplicate = 1;
        break;
      case 'intake.report.closed.v1':
        c.closed = 1;
        break;
      case 'intake.report.duplicate_absorbed.v1':
      case 'intake.report.case_linked.v1':
      case 'intake.report.reporter_notified.v1':
      case 'intake.report.reporter_contact_erased.v1':
        break;
      default:
        assertNever(e, 'report event');
    }
  }
  return head && { ...head, counters: c };
}
