import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import {
  dayContribution,
  evolveInspection,
  inspectionContribution,
  INSPECTION_EVENT_TYPES,
  type Contribution,
  type InspectionEvent,
  type InspectionState,
  type TaskEvent,
} from '../../domain';

export const ASSESSMENT_MODELS = {
  inspections: 'inspections',
  rectifications: 'rectifications',
  periods: 'periods',
  intakeReports: 'intake_reports',
} as const;

export type InspectionDoc = { state: InspectionState; version: number };
/** A rectification whose deadline runs: what the deadline scan reads (deleted once it is not open). */
export type RectificationDueDoc = { inspectionId: string; deadline: string; dueMs: number };
/**
 * One period (month): the contribution of every source (an inspection, a closed work day), so a
 * correction replaces its source's numbers instead of adding to them. Read by `_id` (`period:2025-03`).
 */
/** An intake report filed by the loop, by the report's id: how intake's closure finds its inspection. */
export type IntakeReportDoc = { inspectionId: string };
export type PeriodDoc = { period: string; sources: Record<string, Contribution> };

export const periodKey = (period: string): string => `period:${period}`;
const DAY_CLOSED = 'sanitation.task.day_closed.v1';

type Touched = Map<string, Map<string, Contribution>>;

function touch(touched: Touched, period: string, source: string, c: Contribution): void {
  const m = touched.get(period) ?? new Map<string, Contribution>();
  m.set(source, c);
  touched.set(period, m);
}

async function applyInspection(e: LoggedEvent | RecordedEvent, models: ReadModels, touched: Touched): Promise<void> {
  const id = e.streamId.replace(/^inspection-/, '');
  const inspections = models.model<InspectionDoc>(ASSESSMENT_MODELS.inspections);
  await inspections.upsert(id, e, (cur) => ({
    state: evolveInspection(cur?.state ?? { status: 'none' }, { type: e.type, data: e.data } as InspectionEvent),
    version: e.streamVersion,
  }));
  const doc = await inspections.get(id);
  if (!doc || doc.state.status !== 'recorded') return;
  const s = doc.state;
  const r = s.rectification;
  await models
    .model<RectificationDueDoc>(ASSESSMENT_MODELS.rectifications)
    .upsert(id, e, () => (r && r.status === 'open' ? { inspectionId: id, deadline: r.deadline, dueMs: Date.parse(r.deadline) } : null));
  if (e.type === 'sanitation.inspection.report_filed.v1') {
    const reportId = (e.data as { reportId: string }).reportId;
    await models.model<IntakeReportDoc>(ASSESSMENT_MODELS.intakeReports).upsert(reportId, e, () => ({ inspectionId: id }));
  }
  const key = {
    facilityId: s.facility.facilityId,
    facilityKind: s.facility.kind,
    name: s.facility.name,
    district: s.facility.district,
    contractor: s.facility.contractor,
  };
  touch(touched, s.period, `inspection:${id}`, inspectionContribution(key, s.outcome, r?.overdue ?? false));
}

function applyDay(e: LoggedEvent | RecordedEvent, touched: Touched): void {
  const d = (e as unknown as Extract<TaskEvent, { type: typeof DAY_CLOSED }>).data;
  const key = {
    facilityId: d.facilityId,
    facilityKind: d.facilityKind,
    name: d.facilityId,
    district: d.district,
    contractor: d.contractor,
  };
  touch(touched, d.period, `day:${d.taskId}`, dayContribution(key, d));
}

async function writePeriods(touched: Touched, position: number, models: ReadModels): Promise<void> {
  for (const [period, sources] of touched) {
    await models.model<PeriodDoc>(ASSESSMENT_MODELS.periods).upsert(periodKey(period), { position }, (cur) => {
      const next = { ...(cur?.sources ?? {}) };
      for (const [source, c] of sources) {
        // A day sheet knows the facility by id only: keep the name an inspection gave it.
        const named = Object.values(next).find((x) => x.facilityId === c.facilityId && x.name !== x.facilityId);
        next[source] = c.name === c.facilityId && named ? { ...c, name: named.name } : c;
      }
      return { period, sources: next };
    });
  }
}

/**
 * Inspections by `_id`, the running rectification deadlines, and the per-period score inputs of
 * the three assessments. Period documents are fed by many streams: guarded by log position and
 * written once per log batch (`applyBatch`), however many inspections and days the batch holds.
 */
export const assessmentProjection: Projection = {
  name: 'sanitation_assessment',
  handles: [...INSPECTION_EVENT_TYPES, DAY_CLOSED],
  async apply(e, models) {
    if (e.position === null) return;
    await assessmentProjection.applyBatch!([e as LoggedEvent], models);
  },
  async applyBatch(events, models) {
    const touched: Touched = new Map();
    for (const e of events) {
      if (e.type === DAY_CLOSED) applyDay(e, touched);
      else await applyInspection(e, models, touched);
    }
    await writePeriods(touched, events[events.length - 1]!.position, models);
  },
};
