import { ValidationError } from '@yiwang/kernel-core';
import { businessCalendar, parseTimeLimit, type BusinessCalendar, type TimeLimit } from '@yiwang/working-time';
import shippedLimits from '../../../data/procedure-limits.json';
import shippedCameras from '../../../data/camera-sites.json';
import { yuanToFen } from '../shared/values';

/** The named statutory periods; each is a `TimeLimit` read from data/procedure-limits.json. */
export const LIMIT_NAMES = [
  'leadCheck',
  'leadCheckExtension',
  'preservationDecision',
  'statement',
  'hearingRequest',
  'hearingNotice',
  'decision',
  'service',
  'payment',
  'administrativeReview',
  'demandBeforeCourt',
  'publication',
  'withdrawal',
  'demolitionDemand',
  'substituteNotice',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export type PartyType = 'person' | 'organisation';
export type PerPartyType<T> = Readonly<Record<PartyType, T>>;

/**
 * Everything configurable about the procedure, as data: the periods, the caps and thresholds, the
 * legal-review predicates (Art 58) and the published camera sites (Art 41). Pure values: the
 * decider closes over a policy, so deadlines are computed in one place with one calendar.
 */
export type EnforcementPolicy = Readonly<{
  calendar: BusinessCalendar;
  limits: Readonly<Record<LimitName, TimeLimit>>;
  litigationMonths: number;
  courtApplicationMonths: number;
  surchargePercentPerDay: number;
  /** 违法建设 (行政强制法 Art 43/44): night as local minutes `[start, end)`, the longest period a party may be given. */
  demolition: Readonly<{ nightStartMinute: number; nightEndMinute: number; maxSelfDemolitionDays: number }>;
  onTheSpotCapFen: PerPartyType<number>;
  hearing: Readonly<{ fineThresholdFen: PerPartyType<number>; kinds: readonly string[] }>;
  legalReview: Readonly<{
    whenHearingHeld: boolean;
    whenFlags: readonly string[];
    fineAtLeastFen: PerPartyType<number>;
    kinds: readonly string[];
  }>;
  publishedCameraSites: ReadonlySet<string>;
}>;

type RawPerParty = { person: number; organisation: number };
export type RawLimits = {
  limits: Record<string, string>;
  litigationMonths: number;
  courtApplicationMonths: number;
  surchargePercentPerDay: number;
  demolition: { nightStartsAt: string; nightEndsAt: string; maxSelfDemolitionDays: number };
  onTheSpotCapYuan: RawPerParty;
  hearing: { fineThresholdYuan: RawPerParty; kinds: string[] };
  legalReview: { whenHearingHeld: boolean; whenFlags: string[]; fineAtLeastYuan: RawPerParty; kinds: string[] };
};

const minuteOfDay = (hhmm: string, field: string): number => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new ValidationError(`procedure limits: ${field} must be HH:MM`, [{ field, message: hhmm }]);
  return Number(m[1]) * 60 + Number(m[2]);
};

const perParty = (raw: RawPerParty): PerPartyType<number> => ({ person: yuanToFen(raw.person), organisation: yuanToFen(raw.organisation) });

/** Builds a policy from the data files' shapes; a missing or malformed period is refused at start. */
export function enforcementPolicy(
  raw: RawLimits,
  cameras: { sites: ReadonlyArray<{ id: string }> },
  calendar: BusinessCalendar = businessCalendar(),
): EnforcementPolicy {
  const limits = {} as Record<LimitName, TimeLimit>;
  for (const name of LIMIT_NAMES) {
    const text = raw.limits[name];
    if (typeof text !== 'string')
      throw new ValidationError(`procedure limits: ${name} is missing`, [{ field: `limits.${name}`, message: 'missing' }]);
    limits[name] = parseTimeLimit(text);
  }
  return {
    calendar,
    limits,
    litigationMonths: raw.litigationMonths,
    courtApplicationMonths: raw.courtApplicationMonths,
    surchargePercentPerDay: raw.surchargePercentPerDay,
    demolition: {
      nightStartMinute: minuteOfDay(raw.demolition.nightStartsAt, 'demolition.nightStartsAt'),
      nightEndMinute: minuteOfDay(raw.demolition.nightEndsAt, 'demolition.nightEndsAt'),
      maxSelfDemolitionDays: raw.demolition.maxSelfDemolitionDays,
    },
    onTheSpotCapFen: perParty(raw.onTheSpotCapYuan),
    hearing: { fineThresholdFen: perParty(raw.hearing.fineThresholdYuan), kinds: raw.hearing.kinds },
    legalReview: { ...raw.legalReview, fineAtLeastFen: perParty(raw.legalReview.fineAtLeastYuan) },
    publishedCameraSites: new Set(cameras.sites.map((s) => s.id)),
  };
}

/** The policy shipped in data/ (the demo city's). */
export const shippedPolicy = (calendar?: BusinessCalendar): EnforcementPolicy =>
  enforcementPolicy(shippedLimits as RawLimits, shippedCameras, calendar);
