import { fold, type EventStore, type LoggedEvent, type Projection, type ReadModels, type RecordedEvent } from '@yiwang/kernel-core';
import { caseCounters, caseDecider, dayStartMs, isoDateOf, weekStartDay, type CaseEvent, type CounterRow } from '../../domain';
import { caseEventMapping } from '../case-service';
import { CASE_EVENT_TYPES } from './case-lists';

/**
 * A case's counter row (`caseCounters`) with what is needed to re-evaluate the time-dependent
 * counters at query time: `due` and `suspended` depend on the as-of instant, the rest on history.
 */
export type StoredCounterRow = CounterRow & Readonly<{ status: string; deadline: string | null }>;
/** All cases opened in one week (Monday 00:00 Shanghai): read by `_id`, summed in memory. */
export type WeekDoc = { weekStart: string; rows: StoredCounterRow[] };

export const INDICATOR_MODELS = { weeks: 'weeks' } as const;

export { weekStartDay, dayStartMs };
export const weekKey = (day: number): string => `week:${isoDateOf(day)}`;

/**
 * Per-case counters for the indicators, grouped in week documents by the case's opening. A case's
 * row is recomputed from its stream up to the event (deterministic, so a replay writes the same
 * rows); week documents are fed by many streams and guarded by log position. In a batch each
 * touched case is recomputed once, at its last event, and each week document written once: the
 * same rows as event by event, with one write per week instead of one per event.
 */
export function caseIndicatorsProjection(store: EventStore): Projection {
  const rowOf = async (e: LoggedEvent): Promise<{ day: number; row: StoredCounterRow } | null> => {
    const { events } = await store.readStream(e.streamId, { toVersion: e.streamVersion });
    const caseEvents = events.map(caseEventMapping.fromRecorded).filter((x): x is CaseEvent => x !== null);
    const counters = caseCounters(caseEvents, e.occurredAt.toISOString());
    if (!counters) return null;
    const state = fold(caseDecider, caseDecider.initialState(), caseEvents);
    return { day: weekStartDay(Date.parse(counters.openedAt)), row: { ...counters, status: state.status, deadline: 'deadline' in state ? state.deadline : null } };
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

/** `due` and `suspended` as of `asOf` (the end of the evaluated period, or now if earlier). */
export function countersAsOf(row: StoredCounterRow, asOfMs: number): StoredCounterRow {
  const due = row.status === 'closed' || (row.deadline !== null && Date.parse(row.deadline) <= asOfMs);
  return { ...row, counters: { ...row.counters, due: due ? 1 : 0, suspended: due && row.status === 'suspended' ? 1 : 0 } };
}
