import { ValidationError } from '@yiwang/kernel-core';
import { parseTimeLimit, type TimeLimit } from '@yiwang/working-time';

/** What a violation is (违停类型). */
export const VIOLATION_KINDS = [
  'pavement',
  'no_parking_zone',
  'fire_lane',
  'blocking_entrance',
  'tidal_outside_window',
  'marked_space_overtime',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** Law bounds of the fine (道路交通安全法 Art 93: 20–200 yuan). A city's table must stay inside. */
export const FINE_MIN = 20;
export const FINE_MAX = 200;

/**
 * A city's parking rules as data (data/parking-rules.json): the fine per kind, the limits, the
 * surcharge, which kinds obstruct (may be towed), the camera burst window and the night hours.
 */
export type ParkingRules = Readonly<{
  fines: Readonly<Record<ViolationKind, number>>;
  /** 违停告知单: the owner comes forward within this (default 7 working days, 行政处罚法 Art 85). */
  comeForwardWithin: TimeLimit;
  /** 道路交通安全法 Art 108 / 行政处罚法 Art 67: pay within 15 days of the decision. */
  payWithin: TimeLimit;
  /** Art 109 / Art 72: 3 % of the fine per day late, capped at the fine. */
  surchargePercentPerDay: number;
  /** After a lapsed come-forward or payment deadline: transfer to the traffic police after this. */
  transferAfter: TimeLimit;
  /** Kinds that obstruct traffic or access by their nature (towing allowed). */
  obstructiveKinds: readonly ViolationKind[];
  /** The same vehicle at the same spot within this many minutes is one violation (camera bursts). */
  sameSpotWindowMinutes: number;
  /** 责令限期拆除: default time the owner of a lock or post gets. */
  removalWithin: TimeLimit;
  /** 行政强制法 Art 51: 代履行 demanded (催告) this long ahead (Art 69: ≤ 10 days are working days). */
  reminderAhead: TimeLimit;
  /** 行政强制法 Art 43: no enforcement at night; local hours, e.g. 22:00–06:00. */
  night: Readonly<{ from: string; to: string }>;
}>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function bad(field: string, message: string): never {
  throw new ValidationError(`invalid parking rules: ${field} ${message}`, [{ field, message }]);
}

type RawRules = Record<string, unknown> & { fines?: Record<string, unknown>; night?: { from?: unknown; to?: unknown } };

/** Validates the rules as loaded from JSON (shipped or edited by a city). */
export function parseParkingRules(raw: RawRules): ParkingRules {
  const fines = {} as Record<ViolationKind, number>;
  for (const kind of VIOLATION_KINDS) {
    const v = raw.fines?.[kind];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < FINE_MIN || v > FINE_MAX)
      bad(`fines.${kind}`, `must be whole yuan within ${FINE_MIN}–${FINE_MAX}`);
    fines[kind] = v;
  }
  const limit = (field: string): TimeLimit =>
    typeof raw[field] === 'string' ? parseTimeLimit(raw[field]) : bad(field, 'must be a time limit like "7 working_days"');
  const percent = raw['surchargePercentPerDay'];
  if (typeof percent !== 'number' || percent <= 0 || percent > 3)
    bad('surchargePercentPerDay', 'must be > 0 and at most 3 (行政处罚法 Art 72)');
  const obstructive = raw['obstructiveKinds'];
  if (!Array.isArray(obstructive) || obstructive.some((k) => !(VIOLATION_KINDS as readonly unknown[]).includes(k)))
    bad('obstructiveKinds', 'must list violation kinds');
  const windowMinutes = raw['sameSpotWindowMinutes'];
  if (typeof windowMinutes !== 'number' || !Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > 24 * 60)
    bad('sameSpotWindowMinutes', 'must be 1–1440');
  const night = raw.night;
  if (typeof night?.from !== 'string' || typeof night.to !== 'string' || !HHMM.test(night.from) || !HHMM.test(night.to))
    bad('night', 'must be {from, to} as HH:MM');
  return {
    fines,
    comeForwardWithin: limit('comeForwardWithin'),
    payWithin: limit('payWithin'),
    surchargePercentPerDay: percent,
    transferAfter: limit('transferAfter'),
    obstructiveKinds: obstructive as ViolationKind[],
    sameSpotWindowMinutes: windowMinutes,
    removalWithin: limit('removalWithin'),
    reminderAhead: limit('reminderAhead'),
    night: { from: night.from, to: night.to },
  };
}

export function violationKind(value: unknown, field = 'kind'): ViolationKind {
  if (!(VIOLATION_KINDS as readonly unknown[]).includes(value)) {
    throw new ValidationError(`${field}: unknown violation kind ${JSON.stringify(value)} (one of ${VIOLATION_KINDS.join(', ')})`, [
      { field, message: 'unknown kind' },
    ]);
  }
  return value as ViolationKind;
}

/**
 * 滞纳金 (道路交通安全法 Art 109, 行政处罚法 Art 72): a percentage of the fine for each whole local
 * day after the payment deadline, never more than the fine itself. Whole yuan, rounded down.
 */
export function surchargeOn(fine: number, percentPerDay: number, payByMs: number, atMs: number): { daysLate: number; surcharge: number } {
  if (atMs <= payByMs) return { daysLate: 0, surcharge: 0 };
  const daysLate = Math.ceil((atMs - payByMs) / 86_400_000);
  return { daysLate, surcharge: Math.min(fine, Math.floor((fine * percentPerDay * daysLate) / 100)) };
}
