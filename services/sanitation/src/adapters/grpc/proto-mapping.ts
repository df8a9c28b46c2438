import type * as api from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { type RankingRow } from '../../domain';
import { type InspectionDoc } from '../../application/projections/assessment';
import { type Ranking } from '../../application/queries';

/** Conversions from the application's read models to the generated protobuf types. */
export function toInspectionResponse(doc: InspectionDoc): api.GetInspectionResponse {
  if (doc.state.status !== 'recorded') throw new Error('not recorded');
  const s = doc.state;
  return {
    inspectionId: s.inspectionId,
    facilityId: s.facility.facilityId,
    facilityKind: s.facility.kind,
    contractor: s.facility.contractor,
    district: s.facility.district,
    period: s.period,
    inspectedAt: s.inspectedAt,
    passed: s.outcome.passed,
    findings: [...s.outcome.findings],
    outcomeJson: JSON.stringify(s.outcome),
    corrections: s.corrections,
    rectificationStatus: s.rectification?.status ?? 'none',
    rectificationDeadline: s.rectification?.deadline ?? '',
    version: doc.version,
    reportId: s.rectification?.report?.reportId ?? '',
    caseId: s.rectification?.report?.caseId ?? '',
    reportClosedAt: s.rectification?.report?.closedAt ?? '',
  };
}

const opt = <K extends string>(key: K, v: number | null): Partial<Record<K, number>> =>
  v === null ? {} : ({ [key]: v } as Record<K, number>);

export function toRankingRow(r: RankingRow): api.RankingRow {
  return {
    key: r.key,
    name: r.name,
    facilities: r.facilities,
    score: r.score,
    byAssessment: Object.entries(r.byAssessment).map(([id, score]) => ({ id, score })),
    rank: r.rank,
    ...opt('previousScore', r.previousScore),
    ...opt('previousRank', r.previousRank),
    ...opt('scoreChange', r.scoreChange),
    ...opt('rankChange', r.rankChange),
    samples: r.samples,
    failedSamples: r.failedSamples,
    breakdown: r.breakdown.map((l) => ({ counter: l.counter, assessment: l.assessment, count: l.count, points: l.points })),
  };
}

export function toRankingResponse(r: Ranking): api.GetRankingResponse {
  return {
    period: r.period,
    previousPeriod: r.previousPeriod,
    dimension: r.dimension,
    rows: r.rows.map(toRankingRow),
    samples: r.samples,
    samplesPassed: r.samplesPassed,
    ...opt('passRate', r.passRate),
  };
}
