import { type LoggedEvent } from '@yiwang/kernel-core';
import {
  dayContribution,
  evolveInspection,
  facilityTotals,
  inspectionContribution,
  passRate,
  previousMonth,
  rankingTable,
  type AssessmentConfig,
  type Contribution,
  type Dimension,
  type InspectionEvent,
  type InspectionState,
  type RankingRow,
  type TaskEvent,
} from '../domain';

const DAY_CLOSED = 'sanitation.task.day_closed.v1';

/**
 * The three-assessment table of a month recomputed from the ordered log alone (a replay, as the
 * analysts' tool does): the same folds as the assessment projection, in memory, no read model.
 */
export function rankingFromLog(
  events: Iterable<Pick<LoggedEvent, 'type' | 'data' | 'streamId'>>,
  period: string,
  dimension: Dimension,
  config: AssessmentConfig,
): { rows: readonly RankingRow[]; samples: number; samplesPassed: number; passRate: number | null } {
  const inspections = new Map<string, InspectionState>();
  const days = new Map<string, Contribution & { period: string }>();
  for (const e of events) {
    if (e.type === DAY_CLOSED) {
      const d = (e as unknown as Extract<TaskEvent, { type: typeof DAY_CLOSED }>).data;
      const key = {
        facilityId: d.facilityId,
        facilityKind: d.facilityKind,
        name: d.facilityId,
        district: d.district,
        contractor: d.contractor,
      };
      days.set(d.taskId, { ...dayContribution(key, d), period: d.period });
    } else if (e.type.startsWith('sanitation.inspection.')) {
      inspections.set(e.streamId, evolveInspection(inspections.get(e.streamId) ?? { status: 'none' }, e as InspectionEvent));
    }
  }
  const of = (month: string): Contribution[] => {
    const out: Contribution[] = [];
    const names = new Map<string, string>();
    for (const s of inspections.values()) {
      if (s.status !== 'recorded' || s.period !== month) continue;
      names.set(s.facility.facilityId, s.facility.name);
      const key = {
        facilityId: s.facility.facilityId,
        facilityKind: s.facility.kind,
        name: s.facility.name,
        district: s.facility.district,
        contractor: s.facility.contractor,
      };
      out.push(inspectionContribution(key, s.outcome, s.rectification?.overdue ?? false));
    }
    for (const { period: p, ...c } of days.values()) if (p === month) out.push({ ...c, name: names.get(c.facilityId) ?? c.name });
    return out;
  };
  const current = facilityTotals(of(period));
  const rows = rankingTable(current.values(), facilityTotals(of(previousMonth(period))).values(), dimension, config);
  const samples = [...current.values()].reduce((a, f) => a + f.counters.samples, 0);
  const samplesPassed = samples - [...current.values()].reduce((a, f) => a + f.counters.failedSamples, 0);
  return { rows, samples, samplesPassed, passRate: passRate(samplesPassed, samples) };
}
