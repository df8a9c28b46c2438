import { type LoggedEvent } from '@yiwang/kernel-core';
import {
  applyReportEvent,
  caseRow,
  type CaseEvent,
  type ReportCounterRow,
  caseEventMapping,
  storedReportRow,
  weekKey,
  weekStartDay,
  type StoredCounterRow,
  type WeekDoc,
} from '@yiwang/dispatch';

/**
 * The indicator rows the dispatch read models hold, rebuilt in memory from replayed events with
 * the SAME pure functions the projections use: a case's row is `caseRow` over its events (the
 * instants of its facts, as `caseIndicatorsProjection` writes it at the case's last event); a
 * report's row is `applyReportEvent` over its intake events in order (as `ReportIndicators`
 * does). The queries then evaluate both for the period asked, with dispatch's own code. Rows are grouped like the read models: case rows by the
 * week the case was opened, report rows by the week the report was received.
 */
export class ReplayedIndicatorRows {
  private readonly cases = new Map<string, LoggedEvent[]>();
  private readonly reports = new Map<string, ReportCounterRow>();
  private readonly reportWeek = new Map<string, number>();

  addCaseEvent(e: LoggedEvent): void {
    const list = this.cases.get(e.streamId) ?? [];
    list.push(e);
    this.cases.set(e.streamId, list);
  }

  /** Intake events must come in stream order (they do: log order, or one Kafka partition per stream). */
  addReportEvent(e: LoggedEvent): void {
    const before = this.reports.get(e.streamId) ?? null;
    const row = applyReportEvent(before, e.type, e.data, e.streamVersion);
    if (!row) return;
    if (!this.reportWeek.has(e.streamId)) this.reportWeek.set(e.streamId, weekStartDay(Date.parse(row.receivedAt)));
    this.reports.set(e.streamId, { ...row, reportId: row.reportId || e.streamId.replace(/^report-/, '') });
  }

  /** Week documents as `caseIndicatorsProjection` writes them, keyed like the read model (`week:<date>`). */
  caseWeeks(): Map<string, WeekDoc> {
    const weeks = new Map<string, WeekDoc>();
    for (const events of this.cases.values()) {
      events.sort((a, b) => a.streamVersion - b.streamVersion);
      const row = caseRow(events.map(caseEventMapping.fromRecorded).filter((x): x is CaseEvent => x !== null));
      if (!row) continue;
      const key = weekKey(weekStartDay(Date.parse(row.openedAt)));
      const doc = weeks.get(key) ?? { weekStart: '', rows: [] };
      doc.rows.push(row);
      weeks.set(key, doc);
    }
    return weeks;
  }

  /**
   * Report rows of the weeks starting on `days`, shaped as `ReportIndicators.rowsOfWeeks` returns
   * them (no unit; opened = received).
   */
  reportRowsOfWeeks(days: readonly number[]): StoredCounterRow[] {
    const wanted = new Set(days);
    const out: StoredCounterRow[] = [];
    for (const [stream, r] of this.reports) {
      if (!wanted.has(this.reportWeek.get(stream)!)) continue;
      out.push(storedReportRow(r));
    }
    return out;
  }

  get caseCount(): number {
    return this.cases.size;
  }

  get reportCount(): number {
    return this.reports.size;
  }
}
