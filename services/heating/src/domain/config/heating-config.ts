import { dayOfIsoDate, dayStartMs, localDayIndex, parseTimeLimit, type TimeLimit } from '@yiwang/working-time';
import { BEIJING_RULE, HARBIN_RULE, refundRule, type RefundRule } from './refund-rules';
import { invalid, type CompanyId, type HouseholdId, type PointId } from '../shared/values';

/** Causes of sub-standard heating (原因分类): 热源, 管网, 楼内 (building side), 户内 (household side). */
export const CAUSES = ['heat_source', 'network', 'building_side', 'household_side'] as const;
export type Cause = (typeof CAUSES)[number];

export type Compound = Readonly<{
  id: string;
  nameZh: string;
  companyId: CompanyId;
  households: number;
  /** Heated area of a household not listed in `heatedAreaM2` (供热面积, m²). */
  defaultHeatedAreaM2: number;
  /** Per household (`building-unit-room`), where the billing record differs from the default. */
  heatedAreaM2: Readonly<Record<string, number>>;
  /** Indoor monitoring points (室温监测点) installed in the compound: `<compound>-mp<n>`. */
  monitoringPoints: number;
}>;

export type Company = Readonly<{ id: CompanyId; nameZh: string; compounds: readonly string[] }>;

/** The monitoring rule: below standard ≥ belowHours → finding; at/above ≥ recoverHours → closed. */
export type MonitoringRule = Readonly<{ belowHours: number; recoverHours: number; offlineHours: number; maxGapMinutes: number }>;

/**
 * One city's heating rules as data (data/heating-cities.json): the season, the standard
 * (卧室、起居室 ≥ 18 ℃), the clock-hour limits, the fee and the refund rule, and who heats what.
 */
export type CityConfig = Readonly<{
  city: string;
  nameZh: string;
  /** Local dates (Asia/Shanghai), both inclusive. */
  season: Readonly<{ from: string; to: string }>;
  standardDeci: number;
  limits: Readonly<{ measure: TimeLimit; fix: TimeLimit }>;
  dailyFeeCentsPerM2: number;
  refundRule: RefundRule;
  /** Causes the city excludes from refunds (e.g. Taiyuan: building-side faults). */
  excludedCauses: readonly Cause[];
  monitoring: MonitoringRule;
  companies: readonly Company[];
  compounds: ReadonlyMap<string, Compound>;
}>;

/** The terms a complaint is judged by, copied into its first event so refunds are reproducible from events alone. */
export type ComplaintTerms = Readonly<{
  standardDeci: number;
  dailyFeeCentsPerM2: number;
  heatedAreaCentiM2: number;
  refundRule: RefundRule;
  excludedCauses: readonly Cause[];
  seasonEndsAt: string;
}>;

const RULES: Record<string, RefundRule> = { beijing: BEIJING_RULE, harbin: HARBIN_RULE };

type RawCity = {
  city: string;
  nameZh: string;
  season: { from: string; to: string };
  standardCelsius: number;
  limits: { measure: string; fix: string };
  dailyFeeCentsPerM2: number;
  refundRule: string | RefundRule;
  excludedCauses: string[];
  monitoring: MonitoringRule;
  companies: Array<{
    id: string;
    nameZh: string;
    compounds: Array<Omit<Compound, 'companyId' | 'heatedAreaM2'> & { heatedAreaM2?: Record<string, number> }>;
  }>;
};

const positive = (v: unknown, field: string): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : invalid(field, 'must be a positive number');

/** Reads and checks one city's configuration. */
export function cityConfig(raw: unknown): CityConfig {
  const r = raw as RawCity;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(r.season?.from ?? '') || !/^\d{4}-\d{2}-\d{2}$/.test(r.season?.to ?? '') || r.season.from > r.season.to) {
    invalid('season', 'must be {from, to} local dates with from ≤ to');
  }
  const rule =
    typeof r.refundRule === 'string'
      ? (RULES[r.refundRule] ?? invalid('refundRule', `names no shipped rule (${Object.keys(RULES).join(', ')})`))
      : refundRule(r.refundRule);
  const excluded = r.excludedCauses.map((c, i) =>
    (CAUSES as readonly string[]).includes(c) ? (c as Cause) : invalid(`excludedCauses[${i}]`, `must be one of ${CAUSES.join(', ')}`),
  );
  const compounds = new Map<string, Compound>();
  const companies = r.companies.map((c) => {
    for (const k of c.compounds) {
      if (compounds.has(k.id)) invalid('compounds', `${k.id} is served by two companies`);
      positive(k.defaultHeatedAreaM2, `${k.id}.defaultHeatedAreaM2`);
      compounds.set(k.id, { ...k, companyId: c.id as CompanyId, heatedAreaM2: k.heatedAreaM2 ?? {} });
    }
    return { id: c.id as CompanyId, nameZh: c.nameZh, compounds: c.compounds.map((k) => k.id) };
  });
  return {
    city: r.city,
    nameZh: r.nameZh,
    season: r.season,
    standardDeci: Math.round(r.standardCelsius * 10),
    limits: { measure: parseTimeLimit(r.limits.measure), fix: parseTimeLimit(r.limits.fix) },
    dailyFeeCentsPerM2: positive(r.dailyFeeCentsPerM2, 'dailyFeeCentsPerM2'),
    refundRule: rule,
    excludedCauses: excluded,
    monitoring: r.monitoring,
    companies,
    compounds,
  };
}

/** The season's first and last instants: [from 00:00, to+1 00:00) local time. */
export const seasonStartMs = (c: CityConfig): number => dayStartMs(dayOfIsoDate(c.season.from));
export const seasonEndMs = (c: CityConfig): number => dayStartMs(dayOfIsoDate(c.season.to) + 1);
export const inSeason = (c: CityConfig, ms: number): boolean => ms >= seasonStartMs(c) && ms < seasonEndMs(c);
/** The season a moment belongs to, named by its first date (e.g. `2026-11-15`). */
export const seasonKey = (c: CityConfig): string => c.season.from;

export const compoundOf = (householdId: HouseholdId): string => householdId.slice(0, householdId.indexOf(':'));

/** The household's compound and company (the service area, 供热区域) and its heated area; null when the compound is unknown. */
export function householdOf(
  c: CityConfig,
  householdId: HouseholdId,
): { compound: Compound; companyId: CompanyId; heatedAreaCentiM2: number } | null {
  const compound = c.compounds.get(compoundOf(householdId));
  if (!compound) return null;
  const area = compound.heatedAreaM2[householdId.slice(householdId.indexOf(':') + 1)] ?? compound.defaultHeatedAreaM2;
  return { compound, companyId: compound.companyId, heatedAreaCentiM2: Math.round(area * 100) };
}

export function termsFor(c: CityConfig, heatedAreaCentiM2: number): ComplaintTerms {
  return {
    standardDeci: c.standardDeci,
    dailyFeeCentsPerM2: c.dailyFeeCentsPerM2,
    heatedAreaCentiM2,
    refundRule: c.refundRule,
    excludedCauses: c.excludedCauses,
    seasonEndsAt: new Date(seasonEndMs(c)).toISOString(),
  };
}

/** Monitoring points are `<compound>-mp<n>`, installed in household `<compound>:mp-1-<n>`. */
export function pointOf(c: CityConfig, pointId: PointId): { compound: Compound; householdId: HouseholdId } | null {
  const m = /^(.+)-mp(\d+)$/.exec(pointId);
  const compound = m ? c.compounds.get(m[1]!) : undefined;
  const n = Number(m?.[2]);
  if (!compound || !Number.isInteger(n) || n < 1 || n > compound.monitoringPoints) return null;
  return { compound, householdId: `${compound.id}:mp-1-${n}` as HouseholdId };
}

export const localDayOf = (ms: number): number => localDayIndex(ms);
