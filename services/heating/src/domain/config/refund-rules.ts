import { assertNever } from '@yiwang/kernel-core';
import { invalid } from '../shared/values';

/**
 * A city's refund rule (退费规则) as data. Two shipped shapes:
 * - `degrees_below` (Beijing 北京): by how far the lowest living-room/bedroom reading is below the
 *   standard — tiers `{ upToDeci, percent }`, the first tier whose bound is not exceeded applies,
 *   beyond the last → `beyondPercent`;
 * - `band` (Harbin 哈尔滨): by the reading itself — bands `{ fromDeci, percent }` (reading ≥ fromDeci),
 *   highest band first, below every band → `belowPercent`.
 * Temperatures and distances are in tenths of a degree; percentages are whole numbers.
 */
export type RefundRule =
  | Readonly<{
      kind: 'degrees_below';
      name: string;
      tiers: readonly Readonly<{ upToDeci: number; percent: number }>[];
      beyondPercent: number;
    }>
  | Readonly<{ kind: 'band'; name: string; bands: readonly Readonly<{ fromDeci: number; percent: number }>[]; belowPercent: number }>;

/** 北京: ≤ 2 ℃ below 18 → 10 %, 2–6 ℃ → 50 %, > 6 ℃ → 100 %. */
export const BEIJING_RULE: RefundRule = {
  kind: 'degrees_below',
  name: 'beijing',
  tiers: [
    { upToDeci: 20, percent: 10 },
    { upToDeci: 60, percent: 50 },
  ],
  beyondPercent: 100,
};

/** 哈尔滨: 16–18 ℃ → 30 %, 14–16 ℃ → 50 %, < 14 ℃ → 100 %. */
export const HARBIN_RULE: RefundRule = {
  kind: 'band',
  name: 'harbin',
  bands: [
    { fromDeci: 160, percent: 30 },
    { fromDeci: 140, percent: 50 },
  ],
  belowPercent: 100,
};

const percentOk = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 100;

/** Checks a rule read from configuration (bounds increasing / decreasing, percentages 0–100). */
export function refundRule(value: unknown, field = 'refundRule'): RefundRule {
  const r = value as RefundRule;
  if (r?.kind === 'degrees_below') {
    const ok =
      r.tiers.length > 0 &&
      r.tiers.every((t, i) => percentOk(t.percent) && Number.isInteger(t.upToDeci) && t.upToDeci > (r.tiers[i - 1]?.upToDeci ?? 0));
    if (!ok || !percentOk(r.beyondPercent)) invalid(field, 'has bad tiers (increasing bounds in tenths of ℃, percentages 0–100)');
    return r;
  }
  if (r?.kind === 'band') {
    const ok =
      r.bands.length > 0 &&
      r.bands.every((b, i) => percentOk(b.percent) && Number.isInteger(b.fromDeci) && b.fromDeci < (r.bands[i - 1]?.fromDeci ?? Infinity));
    if (!ok || !percentOk(r.belowPercent)) invalid(field, 'has bad bands (decreasing bounds in tenths of ℃, percentages 0–100)');
    return r;
  }
  return invalid(field, 'must be of kind degrees_below or band');
}

/** The refund percentage for a sub-standard reading (the lowest bedroom / living room); 0 when it meets the standard. */
export function refundPercent(rule: RefundRule, standardDeci: number, readingDeci: number): number {
  if (readingDeci >= standardDeci) return 0;
  switch (rule.kind) {
    case 'degrees_below': {
      const below = standardDeci - readingDeci;
      return rule.tiers.find((t) => below <= t.upToDeci)?.percent ?? rule.beyondPercent;
    }
    case 'band':
      return rule.bands.find((b) => readingDeci >= b.fromDeci)?.percent ?? rule.belowPercent;
    default:
      return assertNever(rule, 'refund rule');
  }
}

const DAY_MS = 86_400_000;

/**
 * Sub-standard days (不达标天数): from the complaint to the compliant re-measurement, each started
 * 24 hours counting as a day (a fix within the first day still owes one day), at least one.
 */
export function substandardDays(sinceMs: number, untilMs: number): number {
  return Math.max(1, Math.ceil((untilMs - sinceMs) / DAY_MS));
}

/**
 * Refund in integer cents = daily fee (cents per m² per day) × heated area (hundredths of m²) ×
 * days × percent, rounded half up once at the end, so no fraction of a cent is lost per step.
 */
export function refundCents(dailyFeeCentsPerM2: number, heatedAreaCentiM2: number, days: number, percent: number): number {
  const scaled = dailyFeeCentsPerM2 * heatedAreaCentiM2 * days * percent; // cents × 100 (area) × 100 (percent)
  return Math.floor((scaled + 5_000) / 10_000);
}
