import type { LoggedEvent } from '@yiwang/kernel-core';
import { MongoReadModels } from '@yiwang/kernel-mongodb';
import type { EventContext } from '@yiwang/kernel-kafka';
import { type Db, type Document, type Filter, type ObjectId } from 'mongodb';
import { applyReportEvent, receivedAtOf, type ReportCounterRow } from '../../domain';
import { dayStartMs, storedReportRow, weekKey, weekStartDay, type StoredCounterRow } from './case-indicators';

/** Report rows of one week, written by the consumer of one topic partition only. */
export type ReportWeekDoc = { weekStart: string; rows: ReportCounterRow[] };
/** Which week a report's row lives in (the week it was received in). */
type ReportIndexDoc = { day: number };

/** The report id of an intake event: its data's, else the stream's (`report-<id>`). */
const reportIdOf = (e: LoggedEvent): string => {
  const id = (e.data as { reportId?: unknown } | null)?.reportId;
  return typeof id === 'string' && id !== '' ? id : e.streamId.replace(/^report-/, '');
};

export const REPORT_INDICATOR_PROJECTION = 'dispatch_report_indicators';

/**
 * The intake counters (received / filed / rejected / duplicate) per report, fed by the consumer of
 * `yiwang.intake.events.v1`, grouped like the case rows in week documents by reception date.
 *
 * Single writer per document without atomic updates (FerretDB): all events of a report share a
 * partition (key = stream id) and a partition's messages are handled one at a time, so each week
 * document is split per partition (`week:<date>:p<n>`); a query reads a week's partition
 * documents by one `_id` range (`week:<date>:p` …), so it needs no partition count. Each row keeps the report stream's version, so redeliveries change nothing.
 */
export class ReportIndicators {
  private readonly models: MongoReadModels;

  constructor(db: Db) {
    this.models = new MongoReadModels(db, REPORT_INDICATOR_PROJECTION, 1);
  }

  /** The consumer's handler for the intake report events. */
  async apply(event: LoggedEvent, context: Pick<EventContext, 'partition'>): Promise<void> {
    const index = this.models.model<ReportIndexDoc>('reports');
    const reportKey = `report:${event.streamId}`;
    let day = (await index.get(reportKey))?.day;
    if (day === undefined) {
      const receivedAt = receivedAtOf(event.type, event.data);
      if (receivedAt === null || Number.isNaN(Date.parse(receivedAt))) return; // a decision without its report: nothing to count
      day = weekStartDay(Date.parse(receivedAt));
    }
    const weekDay = day;
    // The week first, then the index: a retry after a failure in between finds the same week.
    const weeks = this.models.model<ReportWeekDoc>('weeks').collection;
    const id = `${weekKey(weekDay)}:p${context.partition}` as unknown as ObjectId; // string ids (see ReadModel)
    const cur = (await weeks.findOne({ _id: id })) as (ReportWeekDoc & { _id: unknown }) | null;
    const rows = cur?.rows ?? [];
    const reportId = reportIdOf(event);
    const i = rows.findIndex((r) => r.reportId === reportId);
    const applied = applyReportEvent(i >= 0 ? (rows[i] ?? null) : null, event.type, event.data, event.streamVersion);
    if (applied && applied !== rows[i]) {
      const next = { ...applied, reportId };
      const doc: ReportWeekDoc = {
        weekStart: new Date(dayStartMs(weekDay)).toISOString(),
        rows: i >= 0 ? rows.map((r, j) => (j === i ? next : r)) : [...rows, next],
      };
      if (cur) await weeks.replaceOne({ _id: id }, doc);
      else await weeks.insertOne({ _id: id, ...doc });
    }
    await index.upsert(reportKey, { streamId: event.streamId, streamVersion: event.streamVersion }, (known) => known ?? { day: weekDay });
  }

  /** The rows of the weeks starting on `days`, shaped like case rows (no unit; opened = received). */
  async rowsOfWeeks(days: readonly number[]): Promise<StoredCounterRow[]> {
    const weeks = this.models.model<ReportWeekDoc>('weeks').collection;
    const byWeek = await Promise.all(
      days.map((d) => {
        const prefix = `${weekKey(d)}:p`;
        // String ids (see ReadModel): the driver's Filter type assumes ObjectId.
        const range = { _id: { $gte: prefix, $lt: `${prefix}\uffff` } } as unknown as Filter<Document>;
        return weeks.find(range).toArray() as Promise<unknown[]> as Promise<ReportWeekDoc[]>;
      }),
    );
    const docs = byWeek.flat();
    return docs.flatMap((doc) => (doc?.rows ?? []).map(storedReportRow));
  }
}
