import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import {
  OBSTRUCTION_EVENT_TYPES,
  SPACE_EVENT_TYPES,
  VIOLATION_EVENT_TYPES,
  type ObstructionEvent,
  type SpaceEvent,
  type ViolationEvent,
} from '../../domain';
import { applyObstruction, applySpace, applyViolation } from './record-docs';
import { countsOf, type Deltas } from './weekly-counts';
import {
  MODELS,
  weekIndexId,
  type HotSpotDoc,
  type OpenNoticesDoc,
  type SquadHotSpotsDoc,
  type PlateDoc,
  type WeekIndexDoc,
  type WeeklyDoc,
} from './read-model-docs';

export const PARKING_EVENT_TYPES: readonly string[] = [...VIOLATION_EVENT_TYPES, ...OBSTRUCTION_EVENT_TYPES, ...SPACE_EVENT_TYPES];

type ParkingEvent = ViolationEvent | ObstructionEvent | SpaceEvent;

/** The per-record documents (stream guard), and what the event adds to documents fed by many streams. */
async function applyOne(e: LoggedEvent | RecordedEvent, models: ReadModels, deltas: Deltas): Promise<void> {
  const event = { type: e.type, data: e.data } as ParkingEvent;
  if (e.type.startsWith('parking.violation.')) {
    const doc = await applyViolation(e, event as ViolationEvent, models);
    if (doc) countsOf(event as ViolationEvent, doc, deltas);
  } else if (e.type.startsWith('parking.obstruction.')) {
    const doc = await applyObstruction(e, event as ObstructionEvent, models);
    if (doc) countsOf(event as ObstructionEvent, doc, deltas);
  } else {
    await applySpace(e, event as SpaceEvent, models);
  }
}

/** Writes each many-stream document touched by a batch once, guarded by the batch's last position. */
async function flush(deltas: Deltas, position: number, models: ReadModels): Promise<void> {
  const guard = { position };
  const plates = models.model<PlateDoc>(MODELS.plates);
  for (const [hash, change] of deltas.plates) {
    await plates.upsert(hash, guard, (cur) => {
      const ids = [
        ...(cur?.violationIds ?? []).filter((id) => !change.remove.has(id)),
        ...change.add.filter((id) => !change.remove.has(id) && !(cur?.violationIds ?? []).includes(id)),
      ];
      if (ids.length === 0) return null;
      // An erased violation no longer merges later findings: its spot goes with it.
      const spots = new Map((cur?.spots ?? []).filter((s) => !change.remove.has(s.violationId)).map((s) => [s.spot, s]));
      for (const [key, s] of change.spots)
        if (!change.remove.has(s.violationId) && (spots.get(key)?.observedMs ?? -Infinity) <= s.observedMs) spots.set(key, s);
      return { violationIds: ids, spots: [...spots.values()] };
    });
  }
  const weekly = models.model<WeeklyDoc>(MODELS.weekly);
  const index = models.model<WeekIndexDoc>(MODELS.weekly);
  const keysByWeek = new Map<string, WeeklyDoc[]>();
  for (const row of deltas.weekly.values()) keysByWeek.set(row.week, [...(keysByWeek.get(row.week) ?? []), row]);
  for (const [week, rows] of keysByWeek) {
    await index.upsert(weekIndexId(week), guard, (cur) => {
      const district = new Set(cur?.district ?? []);
      const squad = new Set(cur?.squad ?? []);
      for (const r of rows) (r.dimension === 'district' ? district : squad).add(r.key);
      return { district: [...district].sort(), squad: [...squad].sort() };
    });
  }
  for (const [id, row] of deltas.weekly) {
    await weekly.upsert(id, guard, (cur) => {
      const counts = { ...row.counts };
      if (cur) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += cur.counts[k] ?? 0;
      return { ...row, counts };
    });
  }
  const openNotices = models.model<OpenNoticesDoc>(MODELS.openNotices);
  for (const [squad, changes] of deltas.open) {
    await openNotices.upsert(squad, guard, (cur) => {
      const items = (cur?.items ?? []).filter((x) => !changes.has(x.violationId));
      for (const [violationId, v] of changes) if (v) items.push({ violationId, ...v });
      items.sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline) || a.violationId.localeCompare(b.violationId));
      return { items };
    });
  }
  const hot = models.model<HotSpotDoc>(MODELS.hotSpots);
  for (const [cellId, add] of deltas.hot) {
    await hot.upsert(cellId, guard, (cur) => {
      const hours = cur ? [...cur.hours] : Array<number>(24).fill(0);
      add.hours.forEach((n, h) => (hours[h] = (hours[h] ?? 0) + n));
      return { cellId, district: add.district, hours, total: (cur?.total ?? 0) + add.total };
    });
  }
  const squadHot = models.model<SquadHotSpotsDoc>(MODELS.squadHotSpots);
  for (const [squad, cells] of deltas.squadHot) {
    await squadHot.upsert(squad, guard, (cur) => {
      const next = { ...(cur?.cells ?? {}) };
      for (const [cellId, add] of cells) {
        const was = next[cellId];
        const hours = was ? [...was.hours] : Array<number>(24).fill(0);
        add.hours.forEach((n, h) => (hours[h] = (hours[h] ?? 0) + n));
        next[cellId] = { district: add.district, hours, total: (was?.total ?? 0) + add.total };
      }
      return { cells: next };
    });
  }
}

const emptyDeltas = (): Deltas => ({
  plates: new Map(),
  weekly: new Map(),
  hot: new Map(),
  squadHot: new Map(),
  open: new Map(),
});

/**
 * Parking's read models from its ordered log: one document per violation, obstruction and space
 * (by `_id`, guarded by stream version), a plate's history by its keyed hash with its last violation
 * per spot (camera findings merge into it), the running deadlines for the shared
 * DeadlineScan, each squad's open notices by deadline, the weekly tables per district and squad,
 * and hot spots per cell and hour (for the city, and per squad for the cells where it recorded).
 */
export const parkingRecordsProjection: Projection = {
  name: 'parking_records',
  handles: PARKING_EVENT_TYPES,
  async apply(e, models) {
    const deltas = emptyDeltas();
    await applyOne(e, models, deltas);
    if (e.position !== null) await flush(deltas, e.position, models);
  },
  async applyBatch(events, models) {
    const deltas = emptyDeltas();
    for (const e of events) await applyOne(e, models, deltas);
    await flush(deltas, events[events.length - 1]!.position, models);
  },
};
