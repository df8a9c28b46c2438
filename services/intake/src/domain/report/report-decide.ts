import { assertNever, IllegalStateError, NotFoundError, type Decider } from '@yiwang/kernel-core';
import { Instant, IntakeRoles, ReportId, oneOf, requireRole, text, violation } from '../shared/values';
import { type ReportCommand } from './report-commands';
import { REJECTION_REASONS, type ReportEvent } from './report-events';
import { receiveReport, validateCellRef } from './report-receive';
import { evolveReport, initialReportState, type ReportState, type ReportStatus } from './report-state';

/** The report aggregate (`report-<id>`): receive, file or not, merge duplicates, follow the case. */

function inStatus<S extends ReportStatus>(
  state: ReportState,
  command: string,
  ...statuses: readonly S[]
): Extract<ReportState, { status: S }> {
  if (state.status === 'none') throw new NotFoundError(`${command}: no such report`, { command });
  if (!(statuses as readonly string[]).includes(state.status)) {
    throw new IllegalStateError(`${command} is not allowed while the report is ${state.status}`, {
      command,
      status: state.status,
      allowed: statuses,
    });
  }
  return state as Extract<ReportState, { status: S }>;
}

export function decideReport(command: ReportCommand, state: ReportState): readonly ReportEvent[] {
  switch (command.type) {
    case 'ReceiveReport':
      return receiveReport(command, state);

    case 'FileReport': {
      requireRole(command.actor, command.type, IntakeRoles.supervisionCentre);
      const s = inStatus(state, command.type, 'awaiting_filing');
      const cell = command.data.cell === undefined ? s.cell : validateCellRef(command.data.cell);
      // A case is dispatched by its cell; an off-grid report needs the centre to place it first.
      if (cell === null) throw violation('cell', 'the report is off the grid: give the cell to file it in');
      const note = text(command.data.note, 'note', { max: 500, required: false });
      return [
        {
          type: 'intake.report.filed.v1',
          data: {
            reportId: s.reportId,
            by: 'centre',
            category: s.category,
            cell,
            location: s.location,
            note,
            filedAt: Instant(command.data.at),
            ...(s.handover ? { handover: s.handover } : {}),
          },
        },
      ];
    }

    case 'RejectReport': {
      requireRole(command.actor, command.type, IntakeRoles.supervisionCentre);
      const s = inStatus(state, command.type, 'awaiting_filing');
      const reason = oneOf(command.data.reason, 'reason', REJECTION_REASONS);
      const note = text(command.data.note, 'note', { max: 500, required: reason === 'other' });
      return [{ type: 'intake.report.rejected.v1', data: { reportId: s.reportId, reason, note, rejectedAt: Instant(command.data.at) } }];
    }

    case 'MarkDuplicate': {
      requireRole(command.actor, command.type, IntakeRoles.supervisionCentre);
      const s = inStatus(state, command.type, 'awaiting_filing');
      const masterReportId = ReportId(command.data.masterReportId, 'masterReportId');
      if (masterReportId === s.reportId) throw violation('masterReportId', 'a report cannot duplicate itself');
      const caseId = command.data.caseId === null ? null : text(command.data.caseId, 'caseId', { max: 80 });
      return [
        {
          type: 'intake.report.marked_duplicate.v1',
          data: { reportId: s.reportId, masterReportId, caseId, by: 'centre', markedAt: Instant(command.data.at) },
        },
      ];
    }

    case 'AbsorbDuplicate': {
      requireRole(command.actor, command.type, IntakeRoles.system, IntakeRoles.supervisionCentre);
      const s = inStatus(state, command.type, 'filed');
      const duplicateReportId = ReportId(command.data.duplicateReportId, 'duplicateReportId');
      if (duplicateReportId === s.reportId) throw violation('duplicateReportId', 'a report cannot absorb itself');
      // Consumers retry: the same duplicate twice is counted once.
      if (s.duplicates.includes(duplicateReportId)) return [];
      return [
        {
          type: 'intake.report.duplicate_absorbed.v1',
          data: { reportId: s.reportId, duplicateReportId, duplicateCount: s.duplicates.length + 1, absorbedAt: Instant(command.data.at) },
        },
      ];
    }

    case 'LinkCase': {
      requireRole(command.actor, command.type, IntakeRoles.system);
      const s = inStatus(state, command.type, 'filed');
      const caseId = text(command.data.caseId, 'caseId', { max: 80 });
      if (s.caseId === caseId) return [];
      if (s.caseId !== null)
        throw new IllegalStateError(`LinkCase: the report is already handled by case ${s.caseId}`, {
          command: command.type,
          status: s.status,
        });
      return [{ type: 'intake.report.case_linked.v1', data: { reportId: s.reportId, caseId, linkedAt: Instant(command.data.at) } }];
    }

    case 'NotifyReporter': {
      requireRole(command.actor, command.type, IntakeRoles.system, IntakeRoles.supervisionCentre);
      const s = inStatus(state, command.type, 'filed', 'rejected', 'duplicate', 'closed');
      if (!s.hasContact)
        throw new IllegalStateError('NotifyReporter: the report has no reporter contact', { command: command.type, status: s.status });
      if (s.notified.includes(s.status)) return [];
      return [
        {
          type: 'intake.report.reporter_notified.v1',
          data: { reportId: s.reportId, about: s.status, notifiedAt: Instant(command.data.at) },
        },
      ];
    }

    case 'CloseReport': {
      requireRole(command.actor, command.type, IntakeRoles.system);
      const s = inStatus(state, command.type, 'filed', 'duplicate', 'closed');
      if (s.status === 'closed') return [];
      const caseId = command.data.caseId === null ? null : text(command.data.caseId, 'caseId', { max: 80 });
      if (s.caseId !== null && caseId !== null && s.caseId !== caseId) {
        throw new IllegalStateError(`CloseReport: case ${caseId} is not the report's case ${s.caseId}`, {
          command: command.type,
          status: s.status,
        });
      }
      return [
        { type: 'intake.report.closed.v1', data: { reportId: s.reportId, caseId: caseId ?? s.caseId, closedAt: Instant(command.data.at) } },
      ];
    }

    case 'EraseReporterContact': {
      requireRole(command.actor, command.type, IntakeRoles.supervisionCentre, IntakeRoles.system);
      const s = inStatus(state, command.type, 'awaiting_filing', 'filed', 'rejected', 'duplicate', 'closed');
      if (!s.hasContact) return [];
      return [
        {
          type: 'intake.report.reporter_contact_erased.v1',
          data: { reportId: s.reportId, reason: text(command.data.reason, 'reason', { max: 200 }), erasedAt: Instant(command.data.at) },
        },
      ];
    }

    default:
      return assertNever(command, 'report command');
  }
}

export const reportDecider: Decider<ReportCommand, ReportEvent, ReportState> = {
  initialState: initialReportState,
  decide: decideReport,
  evolve: evolveReport,
};
