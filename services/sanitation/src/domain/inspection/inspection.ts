import { assertNever, IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { requireResponsible, requireRole, Roles, type Actor } from '../shared/actor';
import { fail, Instant, InspectionId, monthEndMs, shanghaiMonth, text } from '../shared/values';
import { type Standards } from '../standards/standards';
import { judgeRoad, judgeStation, judgeToilet } from './inspection-rules';
import {
  type FacilityRef,
  type InspectionEvent,
  type InspectionInput,
  type InspectionOutcome,
  type InspectionState,
} from './inspection-events';

/** Lookups come in the command: the facility from the register, the standards, the rectification deadline from the calendar. */
type Judged = { input: InspectionInput; standards: Standards; rectificationDeadline: string; at: string };
export type InspectionCommand =
  | Readonly<{
      type: 'RecordInspection';
      actor: Actor;
      data: Judged & { inspectionId: string; facility: FacilityRef | null; inspectedAt?: string };
    }>
  | Readonly<{ type: 'AmendInspection'; actor: Actor; data: Judged }>
  | Readonly<{ type: 'CorrectInspection'; actor: Actor; data: Judged & { reason: string } }>
  | Readonly<{ type: 'CompleteRectification'; actor: Actor; data: { note: string; at: string } }>
  | Readonly<{ type: 'MarkRectificationOverdue'; actor: Actor; data: { at: string } }>
  /** The loop filed the open rectification in intake as this report (the hand-off's result). */
  | Readonly<{ type: 'LinkReport'; actor: Actor; data: { openedAt: string; reportId: string; category: string; at: string } }>
  /** Intake closed that report (its dispatch case closed): the closure linked back, the rectification done. */
  | Readonly<{ type: 'LinkReportClosure'; actor: Actor; data: { reportId: string; caseId: string; closedAt: string; at: string } }>;

const EMPTY: InspectionOutcome = {
  samples: [],
  limitGramsPerM2: 0,
  meanGramsPerM2: 0,
  odourLevel: 0,
  maxOdourLevel: 0,
  fliesPerM2: 0,
  maxFliesPerM2: 0,
  failedItems: [],
  suppliesOk: true,
  openingHoursKept: true,
  passed: true,
  findings: [],
};

/** Judges the input by the facility's kind and the city's standards. */
export function judge(facility: FacilityRef, input: InspectionInput, standards: Standards): InspectionOutcome {
  switch (facility.kind) {
    case 'road': {
      const r = judgeRoad(input.samples ?? [], standards);
      return {
        ...EMPTY,
        samples: r.samples,
        limitGramsPerM2: r.limitGramsPerM2,
        meanGramsPerM2: r.meanGramsPerM2,
        passed: r.passed,
        findings: r.findings,
      };
    }
    case 'toilet': {
      const r = judgeToilet(
        input.toilet ?? {},
        { toiletClass: facility.toiletClass ?? '', siting: facility.siting ?? 'standalone' },
        standards,
      );
      return { ...EMPTY, ...r };
    }
    case 'transfer_station':
      return { ...EMPTY, ...judgeStation(input.failedItems ?? []) };
    case 'litter_bin':
      return fail('facilityId', 'litter bins are not inspected one by one');
    default:
      return assertNever(facility.kind, 'facility kind');
  }
}

/** The month's results stand once it is closed (N days after its end): only a correction with a reason changes them. */
export const monthClosed = (period: string, at: string, standards: Standards): boolean =>
  Date.parse(at) >= monthEndMs(period) + standards.monthClosesAfterDays * 86_400_000;

function rectificationFollows(
  state: Extract<InspectionState, { status: 'recorded' }>,
  outcome: InspectionOutcome,
  deadline: string,
  at: string,
): InspectionEvent[] {
  const r = state.rectification;
  const open = r !== null && (r.status === 'open' || r.status === 'overdue');
  const inspectionId = state.inspectionId;
  if (!outcome.passed && (r === null || r.status === 'withdrawn')) {
    return [
      {
        type: 'sanitation.inspection.rectification_opened.v1',
        data: {
          inspectionId,
          facilityId: state.facility.facilityId,
          contractor: state.facility.contractor,
          findings: outcome.findings,
          deadline: Instant(deadline, 'rectificationDeadline'),
          openedAt: at,
        },
      },
    ];
  }
  if (outcome.passed && open)
    return [
      { type: 'sanitation.inspection.rectification_withdrawn.v1', data: { inspectionId, reason: '更正后检查合格', withdrawnAt: at } },
    ];
  return [];
}

export function decideInspection(command: InspectionCommand, state: InspectionState): readonly InspectionEvent[] {
  const at = Instant(command.data.at);
  if (command.type === 'RecordInspection') {
    requireRole(command.actor, command.type, Roles.inspector);
    const inspectionId = InspectionId(command.data.inspectionId);
    const facility = command.data.facility;
    if (facility === null)
      throw new ValidationError(`unknown facility`, [{ field: 'facilityId', message: 'not in the register (or retired)' }]);
    if (state.status !== 'none') throw new IllegalStateError(`inspection ${inspectionId} is already recorded; amend or correct it`);
    // A field app may upload later what was weighed earlier, but never into the future or a closed month.
    const inspectedAt = command.data.inspectedAt ? Instant(command.data.inspectedAt, 'inspectedAt') : at;
    if (Date.parse(inspectedAt) > Date.parse(at)) fail('inspectedAt', 'lies in the future');
    const period = shanghaiMonth(inspectedAt);
    if (monthClosed(period, at, command.data.standards))
      throw new IllegalStateError(`the results of ${period} are closed; an inspection of that month can no longer be recorded`, { period });
    const outcome = judge(facility, command.data.input, command.data.standards);
    const recorded: InspectionEvent = {
      type: 'sanitation.inspection.recorded.v1',
      data: {
        inspectionId,
        facilityId: facility.facilityId,
        facilityKind: facility.kind,
        facilityName: facility.name,
        toiletClass: facility.toiletClass ?? '',
        siting: facility.siting ?? '',
        district: facility.district,
        contractor: facility.contractor,
        period,
        inspector: command.actor.subject,
        inspectedAt,
        ...outcome,
      },
    };
    const fresh = {
      status: 'recorded',
      inspectionId,
      facility,
      period,
      inspectedAt,
      outcome,
      corrections: 0,
      rectification: null,
    } as const;
    return [recorded, ...rectificationFollows(fresh, outcome, command.data.rectificationDeadline, at)];
  }
  if (state.status === 'none') throw new NotFoundError('no such inspection');
  switch (command.type) {
    case 'AmendInspection':
    case 'CorrectInspection': {
      requireRole(command.actor, command.type, Roles.inspector, Roles.admin);
      const correction = command.type === 'CorrectInspection';
      if (!correction && monthClosed(state.period, at, command.data.standards)) {
        throw new IllegalStateError(`the results of ${state.period} are closed; only a correction with a reason can change them`, {
          period: state.period,
        });
      }
      const reason = correction ? text(command.data.reason, 'reason', 500) : '';
      const outcome = judge(state.facility, command.data.input, command.data.standards);
      return [
        {
          type: 'sanitation.inspection.corrected.v1',
          data: {
            inspectionId: state.inspectionId,
            kind: correction ? 'correction' : 'amendment',
            reason,
            by: command.actor.subject,
            correctedAt: at,
            ...outcome,
          },
        },
        ...rectificationFollows(state, outcome, command.data.rectificationDeadline, at),
      ];
    }
    case 'CompleteRectification': {
      requireResponsible(command.actor, command.type, state.facility.contractor);
      const r = state.rectification;
      if (r === null || (r.status !== 'open' && r.status !== 'overdue'))
        throw new IllegalStateError('no rectification is open for this inspection');
      const note = text(command.data.note, 'note', 1000);
      return [
        {
          type: 'sanitation.inspection.rectification_completed.v1',
          data: {
            inspectionId: state.inspectionId,
            note,
            by: command.actor.subject,
            onTime: Date.parse(at) <= Date.parse(r.deadline),
            completedAt: at,
          },
        },
      ];
    }
    case 'MarkRectificationOverdue': {
      requireRole(command.actor, command.type, Roles.system);
      const r = state.rectification;
      if (r === null || r.status !== 'open') throw new IllegalStateError('no open rectification to mark');
      if (Date.parse(at) < Date.parse(r.deadline)) throw new IllegalStateError(`the rectification is due ${r.deadline}, not yet overdue`);
      return [
        {
          type: 'sanitation.inspection.rectification_overdue.v1',
          data: { inspectionId: state.inspectionId, deadline: r.deadline, markedAt: at },
        },
      ];
    }
    case 'LinkReport': {
      requireRole(command.actor, command.type, Roles.system);
      const r = state.rectification;
      const reportId = text(command.data.reportId, 'reportId', 100);
      // A retried hand-off, or one for a rectification since withdrawn and reopened, changes nothing.
      if (r === null || r.openedAt !== command.data.openedAt) return [];
      if (r.report !== null) {
        if (r.report.reportId === reportId) return [];
        throw new IllegalStateError(`the rectification is filed as report ${r.report.reportId} already`, { reportId: r.report.reportId });
      }
      return [
        {
          type: 'sanitation.inspection.report_filed.v1',
          data: { inspectionId: state.inspectionId, reportId, category: text(command.data.category, 'category', 32), filedAt: at },
        },
      ];
    }
    case 'LinkReportClosure': {
      requireRole(command.actor, command.type, Roles.system);
      const r = state.rectification;
      if (r === null || r.report === null || r.report.reportId !== command.data.reportId)
        throw new IllegalStateError(`report ${String(command.data.reportId)} is not this inspection's`);
      if (r.report.closedAt !== '') return [];
      const closedAt = Instant(command.data.closedAt, 'closedAt');
      const closed: InspectionEvent = {
        type: 'sanitation.inspection.report_closed.v1',
        data: {
          inspectionId: state.inspectionId,
          reportId: r.report.reportId,
          caseId: text(command.data.caseId, 'caseId', 100),
          closedAt,
          linkedAt: at,
        },
      };
      if (r.status !== 'open' && r.status !== 'overdue') return [closed];
      // The case closed after its check on site (核查): that is the rectification done, on time or not.
      return [
        closed,
        {
          type: 'sanitation.inspection.rectification_completed.v1',
          data: {
            inspectionId: state.inspectionId,
            note: `dispatch case ${closed.data.caseId} closed`,
            by: command.actor.subject,
            onTime: Date.parse(closedAt) <= Date.parse(r.deadline),
            completedAt: at,
          },
        },
      ];
    }
    default:
      return assertNever(command, 'inspection command');
  }
}
