import { type EventStore, type LoggedEvent, type Projection, type ReadModels, type RecordedEvent } from '@yiwang/kernel-core';
import { caseRow, dayStartMs, weekKey, weekStartDay, type CaseEvent, type StoredCounterRow, type WeekDoc } from '../../domain';
import { caseEventMapping } from '../case-service';
import { CASE_EVENT_TYPES } from './case-lists';

export const INDICATOR_MODELS = { weeks: 'weeks' } as const;

// The rows' shape and evaluation are pure (domain/indicators/stored-rows.ts); re-exported where they always were.
export { countersAsOf, dayStartMs, storedReportRow, weekKey, weekStartDay, type StoredCounterRow, type WeekDoc } from '../../domain';

/**
 * Per-case rows for the indicators, grouped in week documents by the case's opening. A case's
 * row is recomputed from its stream up to the event and depends on nothing else (not on when it
 * is projected), so a replay writes the same rows; week documents are fed by many streams and
 * guarded by log position. In a batch each touched case is recomputed once, at its last event,
 * and each week document written once: the same rows as event by event, with one write per week
 * instead of one per event.
 */
export function caseIndicatorsProjection(store: EventStore): Projection {
  const rowOf = async (e: LoggedEvent): Promise<{ day: number; row: StoredCounterRow } | null> => {
    const { events } = await store.readStream(e.streamId, { toVersion: e.streamVersion });
    const row = caseRow(events.map(caseEventMapping.fromRecorded).filter((x): x is CaseEvent => x !== null));
    return row && { day: weekStartDay(Date.parse(row.openedAt)), row };
  };
  const applyBatch = async (batch: readonly LoggedEvent[], models: ReadModels): Promise<void> => {
    const last = new Map<string, LoggedEvent>();
    for (const e of batch) last.set(e.streamId, e);
    const byWeek = new Map<number, StoredCounterRow[]>();
    for (const e of last.values()) {
      const r = await rowOf(e);
      if (r) byWeek.set(r.day, [...(byWeek.get(r.day) ?? []), r.row]);
    }
    const position = batch[batch.length - 1]!.position;
    for (const [day, rows] of byWeek) {
      const ids = new Set(rows.map((r) => r.caseId));
      await models.model<WeekDoc>(INDICATOR_MODELS.weeks).upsert(weekKey(day), { position }, (cur) => ({
        weekStart: new Date(dayStartMs(day)).toISOString(),
        rows: [...(cur?.rows ?? []).filter((r) => !ids.has(r.caseId)), ...rows],
      }));
    }
  };
  return {
    name: 'dispatch_indicators',
    handles: CASE_EVENT_TYPES,
    async apply(e: LoggedEvent | RecordedEvent, models: ReadModels): Promise<void> {
      // Inline (no log position yet) is skipped: week documents follow the log only.
      if (e.position !== null) await applyBatch([e as LoggedEvent], models);
    },
    applyBatch,
  };
}
