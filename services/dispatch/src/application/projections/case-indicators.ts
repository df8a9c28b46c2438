import { fold, type EventStore, type LoggedEvent, type Projection, type ReadModels, type RecordedEvent } from '@yiwang/kernel';
import { caseCounters, caseDecider, isoDateOf, localDayIndex, type CaseEvent, type CounterRow } from '../../domain';
import { caseEventMapping } from '../case-service';
import { CASE_EVENT_TYPES, caseIdOfStream } from './case-lists';

/**
 * A case's counter row (`caseCounters`) with what is needed to re-evaluate the time-dependent
 * counters at query time: `due` and `suspended` depend on the as-of instant, the rest on history.
 */
export type StoredCounterRow = CounterRow & Readonly<{ status: string; deadline: string | null }>;
/** All cases opened in one week (Monday 00:00 Shanghai): read by `_id`, summed in memory. */
export type WeekDoc = { weekStart: string; rows: StoredCounterRow[] };

export const INDICATOR_MODELS = { weeks: 'weeks' } as const;

const DAY_MS = 86_400_000;
const OFFSET_MS = 8 * 3_600_000;

/** The local day (see the domain's shanghai-time) of the Monday starting the instant's week. */
export function weekStartDay(ms: number): number {
  const day = localDayIndex(ms);
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  return day - ((weekday + 6) % 7);
}
export const weekKey = (day: number): string => `week:${isoDateOf(day)}`;
export const dayStartMs = (day: number): number => day * DAY_MS - OFFSET_MS;

/**
 * Per-case counters for the indicators, grouped in week documents by the case's opening. Each
 * event recomputes the case's row from its stream up to that event (deterministic, so a replay
 * writes the same rows); week documents are fed by many streams and guarded by log position.
 */
export function caseIndicatorsProjection(store: EventStore): Projection {
  return {
    name: 'dispatch_indicators',
    handles: CASE_EVENT_TYPES,
    async apply(e: LoggedEvent | RecordedEvent, models: ReadModels): Promise<void> {
      if (e.position === null) return;
      const { events } = await store.readStream(e.streamId, { toVersion: e.streamVersion });
      const caseEvents = events.map(caseEventMapping.fromRecorded).filter((x): x is CaseEvent => x !== null);
      const row = caseCounters(caseEvents, e.occurredAt.toISOString());
      if (!row) return;
      const state = fold(caseDecider, caseDecider.initialState(), caseEvents);
      const stored: StoredCounterRow = { ...row, status: state.status, deadline: 'deadline' in state ? state.deadline : null };
      const day = weekStartDay(Date.parse(row.openedAt));
      const caseId = caseIdOfStream(e.streamId);
      await models.model<WeekDoc>(INDICATOR_MODELS.weeks).upsert(weekKey(day), { position: e.position }, (cur) => ({
        weekStart: new Date(dayStartMs(day)).toISOString(),
        rows: [...(cur?.rows ?? []).filter((r) => r.caseId !== caseId), stored],
      }));
    },
  };
}

/** `due` and `suspended` as of `asOf` (the end of the evaluated period, or now if earlier). */
export function countersAsOf(row: StoredCounterRow, asOfMs: number): StoredCounterRow {
  const due = row.status === 'closed' || (row.deadline !== null && Date.parse(row.deadline) <= asOfMs);
  return { ...row, counters: { ...row.counters, due: due ? 1 : 0, suspended: due && row.status === 'suspended' ? 1 : 0 } };
}
