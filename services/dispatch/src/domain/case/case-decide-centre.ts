import { IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { Roles, requireRole } from '../shared/actor';
import { CaseId, CategoryCode, Instant, ReportId, UnitId, nonEmptyText, photoRefs, toMillis } from '../shared/values';
import { EVALUATION_RATINGS, type CaseEvent } from './case-events';
import {
  type DecideExtension,
  type DecideReturn,
  type DecideSuspension,
  type Evaluate,
  type MarkOverdue,
  type OpenCase,
  type Redispatch,
  type Reopen,
  type Supervise,
  type Verify,
} from './case-commands';
import { bool, futureInstant, mustBeIn, mustExist, oneOf, optionalNote } from './case-rules';
import { type CaseState } from './case-state';

/**
 * What the centres do: the command centre (指挥中心) opens, dispatches, decides applications,
 * supervises and reopens; the supervision centre's inspectors (监督员) verify; the supervision
 * centre evaluates. Roles are checked first: they do not depend on the case.
 */

export function openCase(command: OpenCase, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.commandCentre, Roles.system);
  mustBeIn(state, command.type, 'none');
  const d = command.data;
  const at = Instant(d.at);
  const caseId = CaseId(d.caseId);
  return [
    {
      type: 'dispatch.case.opened.v1',
      data: {
        caseId,
        reportId: ReportId(d.reportId),
        category: CategoryCode(d.category),
        cellId: nonEmptyText(d.cellId, 'cellId', 40),
        district: nonEmptyText(d.district, 'district', 40),
        urgency: nonEmptyText(d.urgency, 'urgency', 20),
        openedAt: at,
      },
    },
    {
      type: 'dispatch.case.dispatched.v1',
      data: { caseId, unitId: UnitId(d.unitId), deadline: futureInstant(d.deadline, 'deadline', at), dispatchedAt: at, kind: 'initial' },
    },
  ];
}

export function redispatch(command: Redispatch, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.commandCentre);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'awaiting_dispatch');
  const at = Instant(command.data.at);
  const unitId = UnitId(command.data.unitId);
  if (unitId === s.returnedBy) {
    throw new IllegalStateError(`${command.type}: ${unitId} has just returned this case; dispatch it to another unit`, {
      command: command.type,
      unitId,
    });
  }
  return [
    {
      type: 'dispatch.case.dispatched.v1',
      data: {
        caseId: s.caseId,
        unitId,
        deadline: futureInstant(command.data.deadline, 'deadline', at),
        dispatchedAt: at,
        kind: 'redispatch',
      },
    },
  ];
}

export function decideReturn(command: DecideReturn, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.commandCentre);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'return_requested');
  const data = { caseId: s.caseId, unitId: s.unitId, note: optionalNote(command.data.note), decidedAt: Instant(command.data.at) };
  return bool(command.data.approve, 'approve')
    ? [{ type: 'dispatch.case.return_approved.v1', data }]
    : [{ type: 'dispatch.case.return_rejected.v1', data }];
}

export function decideExtension(command: DecideExtension, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.commandCentre);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'extension_requested');
  const decidedAt = Instant(command.data.at);
  const note = optionalNote(command.data.note);
  if (!bool(command.data.approve, 'approve'))
    return [{ type: 'dispatch.case.extension_rejected.v1', data: { caseId: s.caseId, unitId: s.unitId, note, decidedAt } }];
  const granted =
    command.data.approvedDeadline === undefined
      ? s.requestedDeadline
      : futureInstant(command.data.approvedDeadline, 'approvedDeadline', decidedAt);
  if (toMillis(granted) <= toMillis(s.deadline)) {
    throw new ValidationError('an approved extension must move the deadline later', [
      { field: 'approvedDeadline', message: `not after ${s.deadline}` },
    ]);
  }
  return [
    {
      type: 'dispatch.case.extension_approved.v1',
      data: { caseId: s.caseId, unitId: s.unitId, previousDeadline: s.deadline, newDeadline: granted, note, decidedAt },
    },
  ];
}

export function decideSuspension(command: DecideSuspension, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.commandCentre);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'suspension_requested');
  const data = { caseId: s.caseId, unitId: s.unitId, note: optionalNote(command.data.note), decidedAt: Instant(command.data.at) };
  return bool(command.data.approve, 'approve')
    ? [{ type: 'dispatch.case.suspension_approved.v1', data }]
    : [{ type: 'dispatch.case.suspension_rejected.v1', data }];
}

export function verify(command: Verify, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.inspector);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'awaiting_verification');
  const d = command.data;
  const at = Instant(d.at);
  const outcome = oneOf(d.outcome, 'outcome', ['passed', 'failed'] as const);
  const verified: CaseEvent = {
    type: 'dispatch.case.verified.v1',
    data: {
      caseId: s.caseId,
      inspector: command.actor.subject,
      outcome,
      notes: optionalNote(d.notes, 'notes'),
      photoRefs: photoRefs(d.photoRefs),
      verifiedAt: at,
    },
  };
  if (d.outcome === 'passed') {
    return [
      verified,
      {
        type: 'dispatch.case.closed.v1',
        data: { caseId: s.caseId, reportId: s.reportId, unitId: s.unitId, onTime: s.handling.onTime, closedAt: at },
      },
    ];
  }
  // A failed check must say why, or the unit cannot fix it.
  const reason = nonEmptyText(d.notes, 'notes');
  const deadline = futureInstant(d.reworkDeadline, 'reworkDeadline', at);
  return [
    verified,
    {
      type: 'dispatch.case.rework_ordered.v1',
      data: { caseId: s.caseId, unitId: s.unitId, reason, deadline, reworkCount: s.reworkCount + 1, orderedAt: at },
    },
  ];
}

export function supervise(command: Supervise, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.commandCentre);
  const s = mustBeIn(
    mustExist(state, command.type),
    command.type,
    'dispatched',
    'handling',
    'return_requested',
    'extension_requested',
    'suspension_requested',
    'suspended',
  );
  return [
    {
      type: 'dispatch.case.supervised.v1',
      data: {
        caseId: s.caseId,
        unitId: s.unitId,
        note: nonEmptyText(command.data.note, 'note'),
        by: command.actor.subject,
        supervisedAt: Instant(command.data.at),
      },
    },
  ];
}

/**
 * From the durable deadline check. Idempotent per deadline: a checker that runs twice (a
 * restart, two replicas) produces one overdue event; an extended or reworked deadline can be
 * marked again. Suspended cases and cases already handled are not overdue.
 */
export function markOverdue(command: MarkOverdue, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.system, Roles.commandCentre);
  const s = mustBeIn(
    mustExist(state, command.type),
    command.type,
    'dispatched',
    'handling',
    'return_requested',
    'extension_requested',
    'suspension_requested',
  );
  const at = Instant(command.data.at);
  if (toMillis(at) < toMillis(s.deadline)) {
    throw new IllegalStateError(`${command.type}: the deadline ${s.deadline} has not passed at ${at}`, {
      command: command.type,
      deadline: s.deadline,
    });
  }
  if (s.overdueMarkedFor === s.deadline) return [];
  return [{ type: 'dispatch.case.overdue_marked.v1', data: { caseId: s.caseId, unitId: s.unitId, deadline: s.deadline, markedAt: at } }];
}

export function reopen(command: Reopen, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.commandCentre);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'closed');
  const at = Instant(command.data.at);
  const reason = nonEmptyText(command.data.reason, 'reason');
  const unitId = UnitId(command.data.unitId);
  const deadline = futureInstant(command.data.deadline, 'deadline', at);
  return [
    { type: 'dispatch.case.reopened.v1', data: { caseId: s.caseId, reason, reopenedAt: at } },
    { type: 'dispatch.case.dispatched.v1', data: { caseId: s.caseId, unitId, deadline, dispatchedAt: at, kind: 'reopen' } },
  ];
}

export function evaluate(command: Evaluate, state: CaseState): readonly CaseEvent[] {
  requireRole(command.actor, command.type, Roles.supervisionCentre);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'closed');
  if (s.evaluation !== null)
    throw new IllegalStateError(`${command.type}: the case was already evaluated`, { command: command.type, status: s.status });
  const rating = oneOf(command.data.rating, 'rating', EVALUATION_RATINGS);
  return [
    {
      type: 'dispatch.case.evaluated.v1',
      data: { caseId: s.caseId, rating, note: optionalNote(command.data.note), evaluatedAt: Instant(command.data.at) },
    },
  ];
}
