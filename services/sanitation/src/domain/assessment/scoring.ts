import shipped from '../../../data/assessment.json';
import { COUNTERS, type Counter, type Counters, type FacilityKey } from './counters';

type Name = Readonly<{ zh: string; en: string }>;
/** 三项考核 as data: the assessments with their weights and the deductions that feed each. */
export type AssessmentConfig = Readonly<{
  version: string;
  assessments: ReadonlyArray<Readonly<{ id: string; name: Name; weight: number }>>;
  deductions: ReadonlyArray<Readonly<{ counter: Counter; assessment: string; points: number; name: Name }>>;
}>;

export function assessmentConfigFrom(raw: {
  version: string;
  assessments: AssessmentConfig['assessments'];
  deductions: ReadonlyArray<{ counter: string; assessment: string; points: number; name: Name }>;
}): AssessmentConfig {
  const ids = new Set(raw.assessments.map((a) => a.id));
  const weights = raw.assessments.reduce((a, x) => a + x.weight, 0);
  if (Math.abs(weights - 1) > 1e-9) throw new Error(`assessment weights must sum to 1, they sum to ${weights}`);
  for (const d of raw.deductions) {
    if (!(COUNTERS as readonly string[]).includes(d.counter)) throw new Error(`deduction on unknown counter ${d.counter}`);
    if (!ids.has(d.assessment)) throw new Error(`deduction into unknown assessment ${d.assessment}`);
    if (!(d.points >= 0)) throw new Error(`deduction points must be ≥ 0 (${d.counter})`);
  }
  return { version: raw.version, assessments: raw.assessments, deductions: raw.deductions as AssessmentConfig['deductions'] };
}

export const shippedAssessmentConfig = (): AssessmentConfig => assessmentConfigFrom(shipped);

export type DeductionLine = Readonly<{ counter: Counter; assessment: string; count: number; points: number }>;
export type Score = Readonly<{ total: number; byAssessment: Readonly<Record<string, number>>; breakdown: readonly DeductionLine[] }>;

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** One facility's score: each assessment 100 − its deductions (not below 0), weighted; with the lines behind it. */
export function scoreOf(counters: Counters, config: AssessmentConfig): Score {
  const breakdown = config.deductions
    .map((d) => ({
      counter: d.counter,
      assessment: d.assessment,
      count: counters[d.counter],
      points: round2(counters[d.counter] * d.points),
    }))
    .filter((l) => l.count > 0);
  const byAssessment: Record<string, number> = {};
  let total = 0;
  for (const a of config.assessments) {
    const lost = breakdown.filter((l) => l.assessment === a.id).reduce((s, l) => s + l.points, 0);
    byAssessment[a.id] = round2(Math.max(0, 100 - lost));
    total += a.weight * byAssessment[a.id]!;
  }
  return { total: round2(total), byAssessment, breakdown };
}

export type Dimension = 'facility' | 'contractor' | 'district';
export type RankingRow = Readonly<{
  key: string;
  name: string;
  facilities: number;
  score: number;
  byAssessment: Readonly<Record<string, number>>;
  rank: number;
  previousScore: number | null;
  previousRank: number | null;
  /** Score now − score before (null when not ranked before). */
  scoreChange: number | null;
  /** Places gained (+) or lost (−) since the previous period. */
  rankChange: number | null;
  samples: number;
  failedSamples: number;
  breakdown: readonly DeductionLine[];
}>;

type Row = Omit<RankingRow, 'rank' | 'previousScore' | 'previousRank' | 'scoreChange' | 'rankChange'>;

function rowsOf(facilities: Iterable<FacilityKey & { counters: Counters }>, dimension: Dimension, config: AssessmentConfig): Row[] {
  const groups = new Map<string, { name: string; members: Array<{ counters: Counters; score: Score }> }>();
  for (const f of facilities) {
    const key = dimension === 'facility' ? f.facilityId : dimension === 'contractor' ? f.contractor : f.district;
    const g = groups.get(key) ?? { name: dimension === 'facility' ? f.name : key, members: [] };
    g.members.push({ counters: f.counters, score: scoreOf(f.counters, config) });
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => {
    const n = g.members.length;
    const mean = (pick: (s: Score) => number) => round2(g.members.reduce((a, m) => a + pick(m.score), 0) / n);
    const lines = new Map<string, DeductionLine>();
    for (const m of g.members)
      for (const l of m.score.breakdown) {
        const cur = lines.get(l.counter);
        lines.set(l.counter, cur ? { ...cur, count: round2(cur.count + l.count), points: round2(cur.points + l.points) } : l);
      }
    return {
      key,
      name: g.name,
      facilities: n,
      score: mean((s) => s.total),
      byAssessment: Object.fromEntries(config.assessments.map((a) => [a.id, mean((s) => s.byAssessment[a.id] ?? 0)])),
      samples: g.members.reduce((a, m) => a + m.counters.samples, 0),
      failedSamples: g.members.reduce((a, m) => a + m.counters.failedSamples, 0),
      breakdown: [...lines.values()],
    };
  });
}

/** Standard competition ranking (1, 1, 3): equal scores share a place; ties listed by key for a stable order. */
function ranked(rows: Row[]): Array<Row & { rank: number }> {
  const sorted = [...rows].sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
  return sorted.map((r) => ({ ...r, rank: sorted.findIndex((x) => x.score === r.score) + 1 }));
}

/** The published table: a period's rows ranked, each with its change against the previous period. */
export function rankingTable(
  current: Iterable<FacilityKey & { counters: Counters }>,
  previous: Iterable<FacilityKey & { counters: Counters }>,
  dimension: Dimension,
  config: AssessmentConfig,
): RankingRow[] {
  const before = new Map(ranked(rowsOf(previous, dimension, config)).map((r) => [r.key, r]));
  return ranked(rowsOf(current, dimension, config)).map((r) => {
    const p = before.get(r.key);
    return {
      ...r,
      previousScore: p?.score ?? null,
      previousRank: p?.rank ?? null,
      scoreChange: p ? round2(r.score - p.score) : null,
      rankChange: p ? p.rank - r.rank : null,
    };
  });
}
