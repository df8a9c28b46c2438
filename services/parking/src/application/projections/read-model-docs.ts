import { type TidalWindow } from '../../domain';

/** Read models of the `parking_records` projection, each read by `_id` only. */
export const MODELS = {
  violations: 'violations',
  obstructions: 'obstructions',
  spaces: 'spaces',
  plates: 'plate_history',
  deadlines: 'deadlines',
  weekly: 'weekly',
  hotSpots: 'hot_spots',
  openNotices: 'open_notices',
  squadHotSpots: 'squad_hot_spots',
} as const;

export type ViolationDoc = {
  violationId: string;
  status: string;
  source: string;
  cameraId: string;
  kind: string;
  squad: string;
  district: string;
  cellId: string;
  road: string;
  observedAt: string;
  plateHash: string;
  plateSealed: string;
  vehicleType: string;
  fine: number;
  /** The running deadline: come forward, pay, or transfer; '' when none runs. */
  deadline: string;
  outcome: string;
  towed: boolean;
  priorNotice: boolean;
  surcharge: number;
  photoCount: number;
  dispatchCaseId: string;
  erased: boolean;
  version: number;
};

export type ObstructionDoc = {
  obstructionId: string;
  status: string;
  kind: string;
  squad: string;
  district: string;
  ownerSealed: string;
  removeBy: string;
  scheduledRemovalAt: string;
  overdue: boolean;
  removedBy: string;
  costYuan: number;
  version: number;
};

export type SpaceDoc = {
  spaceId: string;
  kind: 'marked' | 'tidal';
  maxMinutes: number;
  windows: readonly TidalWindow[];
  removed: boolean;
  road: string;
  cellId: string;
  district: string;
  bays: number;
};

/**
 * A plate's violations, keyed by its hash (one document per hash and key), and its last violation
 * per spot (`cellId|road`): camera findings within the window merge into it. One document per
 * vehicle for both, so recording a violation reads and writes one document, not two.
 */
export type PlateDoc = { violationIds: string[]; spots?: VehicleSpot[] };

/** The last violation of a vehicle at a spot. */
export type VehicleSpot = { spot: string; violationId: string; observedMs: number };

/** A running deadline for the shared DeadlineScan: a notice or payment lapsing, a removal order passing. */
export type DeadlineDoc = { action: 'transfer' | 'removal_overdue'; subjectId: string; due: string; dueMs: number; squad: string };

export const WEEKLY_COUNTS = [
  'recorded',
  'movedOn',
  'notices',
  'priorNotices',
  'towed',
  'penalties',
  'paid',
  'transferred',
  'removals',
  'removedLocks',
  'removedPosts',
  'removedBarriers',
] as const;
export type WeeklyCount = (typeof WEEKLY_COUNTS)[number];
/** One row of a weekly table: a district's or a squad's counts for the week starting `week`. */
export type WeeklyDoc = { week: string; dimension: 'district' | 'squad'; key: string; counts: Record<WeeklyCount, number> };

/** Violations per local hour of the day in a grid cell (hot spots). */
export type HotSpotDoc = { cellId: string; district: string; hours: number[]; total: number };

/** A squad's hot spots: per grid cell where it recorded, violations per local hour (one document per squad). */
export type SquadHotSpotsDoc = { cells: Record<string, { district: string; hours: number[]; total: number }> };

/** The districts and squads that have a row in a week (so a table is read by `_id` only). */
export type WeekIndexDoc = { district: string[]; squad: string[] };
export const weekIndexId = (week: string): string => `${week}|index`;

export const weeklyId = (week: string, dimension: 'district' | 'squad', key: string): string => `${week}|${dimension}|${key}`;

/** The Monday (YYYY-MM-DD, Shanghai) of the week of an instant. */
export function weekOf(instantMs: number): string {
  const local = new Date(instantMs + 8 * 3_600_000);
  const weekday = (local.getUTCDay() + 6) % 7; // Monday 0
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - weekday)).toISOString().slice(0, 10);
}

/** A squad's open notices and penalties, soonest deadline first (come forward, or pay). */
export type OpenNoticesDoc = { items: Array<{ violationId: string; deadline: string; step: 'noticed' | 'penalised' }> };
