import { assertNever } from '@yiwang/kernel-core';
import { spotKey, type ObstructionEvent, type ViolationEvent } from '../../domain';
import {
  weeklyId,
  weekOf,
  WEEKLY_COUNTS,
  type ObstructionDoc,
  type VehicleSpot,
  type ViolationDoc,
  type WeeklyCount,
  type WeeklyDoc,
} from './read-model-docs';

/** What one log batch adds to the documents fed by many streams. */
export type Deltas = {
  plates: Map<string, PlateChange>;
  weekly: Map<string, WeeklyDoc>;
  hot: Map<string, { district: string; hours: number[]; total: number }>;
  /** Per squad: what the batch adds to each grid cell where the squad recorded (its hot spots). */
  squadHot: Map<string, Map<string, { district: string; hours: number[]; total: number }>>;
  /** Per squad: violation id → its open step and deadline, or null when it is no longer open. */
  open: Map<string, Map<string, { deadline: string; step: 'noticed' | 'penalised' } | null>>;
};

function open(deltas: Deltas, squad: string, violationId: string, value: { deadline: string; step: 'noticed' | 'penalised' } | null): void {
  const bySquad = deltas.open.get(squad) ?? new Map();
  bySquad.set(violationId, value);
  deltas.open.set(squad, bySquad);
}

const zero = (): Record<WeeklyCount, number> => Object.fromEntries(WEEKLY_COUNTS.map((k) => [k, 0])) as Record<WeeklyCount, number>;

function count(deltas: Deltas, atMs: number, district: string, squad: string, what: WeeklyCount): void {
  const week = weekOf(atMs);
  for (const [dimension, key] of [
    ['district', district],
    ['squad', squad],
  ] as const) {
    const id = weeklyId(week, dimension, key);
    const row = deltas.weekly.get(id) ?? { week, dimension, key, counts: zero() };
    row.counts[what] += 1;
    deltas.weekly.set(id, row);
  }
}

/** What a batch changes in a plate's document: violations added and removed, the last one per spot. */
export type PlateChange = { add: string[]; remove: Set<string>; spots: Map<string, VehicleSpot> };

function plate(deltas: Deltas, hash: string): PlateChange {
  const change = deltas.plates.get(hash) ?? { add: [], remove: new Set<string>(), spots: new Map<string, VehicleSpot>() };
  deltas.plates.set(hash, change);
  return change;
}

const LOCAL_HOUR = (ms: number): number => new Date(ms + 8 * 3_600_000).getUTCHours();

/** The counters an event moves, with the district and squad its record holds. */
export function countsOf(event: ViolationEvent | ObstructionEvent, doc: ViolationDoc | ObstructionDoc, deltas: Deltas): void {
  const c = (at: string, what: WeeklyCount) => count(deltas, Date.parse(at), doc.district, doc.squad, what);
  switch (event.type) {
    case 'parking.violation.recorded.v1': {
      const d = event.data;
      c(d.recordedAt, 'recorded');
      const change = plate(deltas, d.vehicle.plateHash);
      change.add.push(d.violationId);
      const spot = spotKey(d.location);
      change.spots.set(spot, { spot, violationId: d.violationId, observedMs: Date.parse(d.observedAt) });
      const hot = deltas.hot.get(d.location.cellId) ?? { district: d.location.district, hours: Array<number>(24).fill(0), total: 0 };
      hot.hours[LOCAL_HOUR(Date.parse(d.observedAt))]! += 1;
      hot.total += 1;
      deltas.hot.set(d.location.cellId, hot);
      const cells = deltas.squadHot.get(doc.squad) ?? new Map<string, { district: string; hours: number[]; total: number }>();
      const mine = cells.get(d.location.cellId) ?? { district: d.location.district, hours: Array<number>(24).fill(0), total: 0 };
      mine.hours[LOCAL_HOUR(Date.parse(d.observedAt))]! += 1;
      mine.total += 1;
      cells.set(d.location.cellId, mine);
      deltas.squadHot.set(doc.squad, cells);
      return;
    }
    case 'parking.violation.driver_warned.v1':
      if (event.data.complied) c(event.data.warnedAt, 'movedOn');
      return;
    case 'parking.violation.notice_issued.v1':
      open(deltas, doc.squad, event.data.violationId, { deadline: event.data.comeForwardBy, step: 'noticed' });
      return c(event.data.issuedAt, 'notices');
    case 'parking.violation.prior_notice_served.v1':
      return c(event.data.servedAt, 'priorNotices');
    case 'parking.violation.towing_ordered.v1':
      return c(event.data.orderedAt, 'towed');
    case 'parking.violation.penalty_decided.v1':
      open(deltas, doc.squad, event.data.violationId, { deadline: event.data.payBy, step: 'penalised' });
      return c(event.data.decidedAt, 'penalties');
    case 'parking.violation.fine_paid.v1':
      return c(event.data.paidAt, 'paid');
    case 'parking.violation.transferred.v1':
      return c(event.data.transferredAt, 'transferred');
    case 'parking.violation.personal_data_erased.v1':
      // An erased vehicle leaves the plate history: its hash links nothing any more.
      plate(deltas, (doc as ViolationDoc).plateHash).remove.add(event.data.violationId);
      return;
    case 'parking.obstruction.removed.v1': {
      c(event.data.removedAt, 'removals');
      const byKind = { ground_lock: 'removedLocks', post: 'removedPosts', barrier: 'removedBarriers' } as const;
      return c(event.data.removedAt, byKind[event.data.kind]);
    }
    case 'parking.violation.closed.v1':
      return open(deltas, doc.squad, event.data.violationId, null);
    case 'parking.obstruction.surveyed.v1':
    case 'parking.obstruction.removal_ordered.v1':
    case 'parking.obstruction.removal_overdue_marked.v1':
    case 'parking.obstruction.reminder_served.v1':
    case 'parking.obstruction.fine_imposed.v1':
    case 'parking.obstruction.personal_data_erased.v1':
      return;
    default:
      return assertNever(event, 'parking event');
  }
}
