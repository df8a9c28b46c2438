import { assertNever, type Decider } from '@yiwang/kernel-core';
import { type InspectionEvent, type InspectionOutcome, type InspectionState } from './inspection-events';
import { decideInspection, type InspectionCommand } from './inspection';

const outcomeOf = (d: InspectionOutcome): InspectionOutcome => ({
  samples: d.samples,
  limitGramsPerM2: d.limitGramsPerM2,
  meanGramsPerM2: d.meanGramsPerM2,
  odourLevel: d.odourLevel,
  maxOdourLevel: d.maxOdourLevel,
  fliesPerM2: d.fliesPerM2,
  maxFliesPerM2: d.maxFliesPerM2,
  failedItems: d.failedItems,
  suppliesOk: d.suppliesOk,
  openingHoursKept: d.openingHoursKept,
  passed: d.passed,
  findings: d.findings,
});

export function evolveInspection(state: InspectionState, event: InspectionEvent): InspectionState {
  if (event.type === 'sanitation.inspection.recorded.v1') {
    const d = event.data;
    return {
      status: 'recorded',
      inspectionId: d.inspectionId,
      facility: {
        facilityId: d.facilityId,
        kind: d.facilityKind,
        district: d.district,
        contractor: d.contractor,
        name: d.facilityName,
        ...(d.toiletClass ? { toiletClass: d.toiletClass } : {}),
        ...(d.siting === 'attached' || d.siting === 'standalone' ? { siting: d.siting } : {}),
      },
      period: d.period,
      inspectedAt: d.inspectedAt,
      outcome: outcomeOf(d),
      corrections: 0,
      rectification: null,
    };
  }
  if (state.status === 'none') return state;
  const r = state.rectification;
  switch (event.type) {
    case 'sanitation.inspection.corrected.v1':
      return { ...state, outcome: outcomeOf(event.data), corrections: state.corrections + 1 };
    case 'sanitation.inspection.rectification_opened.v1':
      return {
        ...state,
        rectification: { status: 'open', deadline: event.data.deadline, overdue: false, openedAt: event.data.openedAt, report: null },
      };
    case 'sanitation.inspection.rectification_completed.v1':
      return r ? { ...state, rectification: { ...r, status: 'completed', overdue: r.overdue || !event.data.onTime } } : state;
    case 'sanitation.inspection.rectification_overdue.v1':
      return r ? { ...state, rectification: { ...r, status: 'overdue', overdue: true } } : state;
    case 'sanitation.inspection.rectification_withdrawn.v1':
      return r ? { ...state, rectification: { ...r, status: 'withdrawn' } } : state;
    case 'sanitation.inspection.report_filed.v1':
      return r ? { ...state, rectification: { ...r, report: { reportId: event.data.reportId, caseId: '', closedAt: '' } } } : state;
    case 'sanitation.inspection.report_closed.v1':
      return r
        ? {
            ...state,
            rectification: { ...r, report: { reportId: event.data.reportId, caseId: event.data.caseId, closedAt: event.data.closedAt } },
          }
        : state;
    default:
      return assertNever(event, 'inspection event');
  }
}

export const inspectionDecider: Decider<InspectionCommand, InspectionEvent, InspectionState> = {
  initialState: () => ({ status: 'none' }),
  decide: decideInspection,
  evolve: evolveInspection,
};
