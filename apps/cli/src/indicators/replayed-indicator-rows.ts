import { fold, type LoggedEvent } from '@yiwang/kernel-core';
import { applyReportEvent, caseCounters, caseDecider, type CaseEvent, type ReportCounterRow, caseEventMapping, weekKey, weekStartDay, type StoredCounterRow, type WeekDoc } from '@yiwang/dispatch';

/**
 * The indicator rows the dispatch read models hold, rebuilt in memory from replayed events with
 * the SAME pure functions the projections use: a case's row is `caseCounters` over its events,
 * status and deadline from folding them through the case decider (as `caseIndicatorsProjection`
 * does at each case's last event); a report's row is `applyReportEvent` over its intake events in
 * order (as `ReportIndicators` does). Rows are grouped like the read models: case rows by the
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
      const caseEvents = events.map(caseEventMapping.fromRecorded).filter((x): x is CaseEvent => x !== null);
      const last = events.at(-1);
      if (!last) continue;
      const counters = caseCounters(caseEvents, last.occurredAt.toISOString());
      if (!counters) continue;
      const state = fold(caseDecider, caseDecider.initialState(), caseEvents);
      const row: StoredCounterRow = { ...counters, status: state.status, deadline: 'deadline' in state ? state.deadline : null };
      const key = weekKey(weekStartDay(Date.parse(counters.openedAt)));
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
      out.push({ caseId: `report:${r.reportId}`, unitId: null, district: r.district ?? '', category: r.category, openedAt: r.receivedAt, counters: r.counters, status: 'report', deadline: null });
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
