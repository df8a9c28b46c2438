import { parseTimeLimit, type TimeLimit } from '@yiwang/working-time';
import shipped from '../../../data/standards.json';

/** Cleaning grade (道路清扫保洁等级): what a road of the grade needs each day. */
export type GradeStandard = Readonly<{ sweepsPerDay: number; patrolHours: number }>;
export type Siting = 'attached' | 'standalone';
/** How a road's samples decide the road: every sample passes, or their mean does. */
export type RoadPassRule = 'all_samples' | 'mean';

export type Standards = Readonly<{
  version: string;
  grades: ReadonlyMap<string, GradeStandard>;
  gram: Readonly<{ minSamples: number; frameAreaM2: number; limitGramsPerM2: number; roadPasses: RoadPassRule }>;
  toilets: Readonly<{ maxOdourLevelByClass: ReadonlyMap<string, number>; maxFliesPerM2BySiting: Readonly<Record<Siting, number>> }>;
  rectification: TimeLimit;
  /** The intake category a failed inspection of each kind is filed under (the closed loop). */
  intakeCategories: Readonly<Partial<Record<FacilityKind, string>>>;
  /** Inspections of a month may be amended until this many days after it ends; later only corrected with a reason. */
  monthClosesAfterDays: number;
}>;

type RawStandards = {
  version: string;
  grades: Record<string, { sweepsPerDay: number; patrolHours: number }>;
  gram: { minSamples: number; frameAreaM2: number; limitGramsPerM2: number; roadPasses: string };
  toilets: { maxOdourLevelByClass: Record<string, number>; maxFliesPerM2BySiting: Record<string, number> };
  rectification: { limit: string };
  intakeCategories?: Record<string, string>;
  monthClosesAfterDays: number;
};

const bad = (what: string): never => {
  throw new Error(`sanitation standards: ${what}`);
};

/** Builds (and checks) the standards from their data form, so a city's edited file fails at start, not at the first inspection. */
export function standardsFrom(raw: RawStandards): Standards {
  const grades = new Map(Object.entries(raw.grades));
  if (grades.size === 0) bad('no cleaning grades');
  for (const [g, s] of grades) if (!(s.sweepsPerDay >= 0 && s.patrolHours >= 0 && s.patrolHours <= 24)) bad(`grade ${g} is out of range`);
  const { gram } = raw;
  if (!(gram.minSamples >= 1 && gram.frameAreaM2 > 0 && gram.limitGramsPerM2 > 0)) bad('gram rule out of range');
  if (gram.roadPasses !== 'all_samples' && gram.roadPasses !== 'mean') bad(`unknown road rule ${gram.roadPasses}`);
  const { attached, standalone } = raw.toilets.maxFliesPerM2BySiting;
  if (attached === undefined || standalone === undefined) return bad('fly limits need attached and standalone');
  const odour = new Map(Object.entries(raw.toilets.maxOdourLevelByClass));
  for (const [c, level] of odour) if (!(level >= 1 && level <= 4)) bad(`odour limit of class ${c} must be 1–4`);
  const intakeCategories = raw.intakeCategories ?? {};
  for (const [k, c] of Object.entries(intakeCategories))
    if (!isFacilityKind(k) || !/^(event|component)\.\d{2}\.\d{2}$/.test(c)) bad(`intake category ${k}: ${c}`);
  return {
    version: raw.version,
    grades,
    gram: { ...gram, roadPasses: gram.roadPasses as RoadPassRule },
    toilets: { maxOdourLevelByClass: odour, maxFliesPerM2BySiting: { attached, standalone } },
    rectification: parseTimeLimit(raw.rectification.limit),
    intakeCategories: intakeCategories as Partial<Record<FacilityKind, string>>,
    monthClosesAfterDays: raw.monthClosesAfterDays,
  };
}

export const shippedStandards = (): Standards => standardsFrom(shipped as RawStandards);

/** Facility kinds and the component class (CJ/T 214 major.minor) each must carry in its id. */
export const FACILITY_KINDS = {
  /** 道路 (cleaned road section): counted with other city-appearance facilities, 03.99. */
  road: { major: '03', minor: '99', zh: '道路' },
  toilet: { major: '03', minor: '01', zh: '公共厕所' },
  transfer_station: { major: '03', minor: '02', zh: '垃圾中转站' },
  litter_bin: { major: '03', minor: '03', zh: '果皮箱' },
} as const;
export type FacilityKind = keyof typeof FACILITY_KINDS;
export const isFacilityKind = (k: unknown): k is FacilityKind =>
  typeof k === 'string' && Object.prototype.hasOwnProperty.call(FACILITY_KINDS, k);
