import type { HandleResult } from '@yiwang/kernel-core';
import * as api from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { formatRate, type CaseState, type IndicatorConfig, type IndicatorValue, type RankingRow, type RankingTable } from '../../domain';
import { type HistoryEntry } from '../../application/queries';
import { type Dimension, type IndicatorRow } from '../../application/indicator-queries';
import { type CaseSummary } from '../../application/projections/case-summary';

/** Conversions between the generated protobuf types and the application's types, one per shape. */

export function toCommandResponse(caseId: string, result: HandleResult<CaseState>): api.CaseCommandResponse {
  return {
    caseId,
    version: result.version,
    status: result.state.status,
    eventTypes: result.events.map((e) => e.type),
    replayed: result.replayed,
  };
}

export function toCaseSummary(s: CaseSummary): api.CaseSummary {
  return {
    caseId: s.caseId,
    reportId: s.reportId,
    status: s.status,
    unitId: s.unitId ?? '',
    category: s.category,
    district: s.district,
    cellId: s.cellId,
    urgency: s.urgency,
    deadline: s.deadline ?? '',
    overdue: s.overdue,
    openedAt: s.openedAt,
    reworkCount: s.reworkCount,
    extensionCount: s.extensionCount,
    supervisionCount: s.supervisionCount,
    returnCount: s.returnCount,
    version: s.version,
  };
}

export function toHistoryEntry(h: HistoryEntry): api.HistoryEntry {
  return {
    version: h.version,
    type: h.type,
    occurredAt: h.occurredAt,
    actorSubject: h.actor.subject,
    actorDepartment: h.actor.department ?? '',
    dataJson: JSON.stringify(h.data),
  };
}

export function toIndicatorValues(config: IndicatorConfig, values: Record<string, IndicatorValue>): api.IndicatorValue[] {
  return [...config.values()].map((def) => {
    const v = values[def.id] ?? { numerator: 0, denominator: 0, rate: null };
    return {
      id: def.id,
      nameZh: def.name.zh,
      nameEn: def.name.en,
      numerator: v.numerator,
      denominator: v.denominator,
      ...(v.rate !== null ? { rate: v.rate } : {}),
    };
  });
}

export function toIndicatorRow(config: IndicatorConfig, row: IndicatorRow): api.IndicatorRow {
  return { key: row.key, name: row.name, indicators: toIndicatorValues(config, row.indicators) };
}

const opt = <K extends string>(key: K, v: number | null): Partial<Record<K, number>> =>
  v === null ? {} : ({ [key]: v } as Record<K, number>);

export function toRankingRow(
  r: Pick<RankingRow, 'key' | 'name' | 'numerator' | 'denominator' | 'rate'> & Partial<RankingRow>,
): api.RankingRow {
  return {
    key: r.key,
    name: r.name,
    numerator: r.numerator,
    denominator: r.denominator,
    rateText: formatRate(r.rate),
    ...opt('rate', r.rate),
    ...opt('rank', r.rank ?? null),
    ...opt('previousRate', r.previousRate ?? null),
    ...opt('change', r.change ?? null),
    ...opt('previousRank', r.previousRank ?? null),
  };
}

export function toRankingResponse(weekStart: string, table: RankingTable): api.GetRankingResponse {
  return {
    indicatorId: table.indicator.id,
    indicatorNameZh: table.indicator.name.zh,
    weekStart,
    rows: table.rows.map(toRankingRow),
    total: toRankingRow({ key: 'total', name: '合计', ...table.total }),
  };
}

export function dimensionOf(d: api.Dimension, fallback: Dimension): Dimension {
  switch (d) {
    case api.Dimension.DIMENSION_UNIT:
      return 'unit';
    case api.Dimension.DIMENSION_DISTRICT:
      return 'district';
    case api.Dimension.DIMENSION_CATEGORY:
      return 'category';
    default:
      return fallback;
  }
}

export function outcomeOf(o: api.VerificationOutcome): 'passed' | 'failed' | '' {
  return o === api.VerificationOutcome.VERIFICATION_OUTCOME_PASSED
    ? 'passed'
    : o === api.VerificationOutcome.VERIFICATION_OUTCOME_FAILED
      ? 'failed'
      : '';
}
