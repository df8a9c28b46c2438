import { ValidationError } from '@yiwang/kernel-core';
import { requireUnit } from '../shared/actor';
import { Instant, nonEmptyText, photoRefs, toMillis } from '../shared/values';
import { RETURN_REASONS, type CaseEvent } from './case-events';
import { type ApplyForExtension, type ApplyForReturn, type ApplyForSuspension, type ReportHandling, type SignFor } from './case-commands';
import { futureInstant, mustBeIn, mustExist, oneOf, optionalNote } from './case-rules';
import { currentUnit, type CaseState } from './case-state';

/**
 * What the responsible unit (处置单位) may do with a case dispatched to it: sign for it, ask to
 * return it, ask for more time or for suspension, and report the result. Ownership is checked
 * before the state, so another unit learns nothing about a case that is not its own.
 */
function ownedBy(state: CaseState, command: { type: string; actor: { subject: string; department: string; roles: readonly string[] } }) {
  const existing = mustExist(state, command.type);
  requireUnit(command.actor, command.type, currentUnit(existing));
  return existing;
}

export function signFor(command: SignFor, state: CaseState): readonly CaseEvent[] {
  const s = mustBeIn(ownedBy(state, command), command.type, 'dispatched');
  const at = Instant(command.data.at);
  return [{ type: 'dispatch.case.signed_for.v1', data: { caseId: s.caseId, unitId: s.unitId, signedAt: at, by: command.actor.subject } }];
}

export function applyForReturn(command: ApplyForReturn, state: CaseState): readonly CaseEvent[] {
  const s = mustBeIn(ownedBy(state, command), command.type, 'dispatched', 'handling');
  const at = Instant(command.data.at);
  const raw = command.data.reasons as unknown;
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ValidationError('a return needs at least one reason', [{ field: 'reasons', message: 'empty' }]);
  const reasons = [...new Set(raw.map((r, i) => oneOf(r, `reasons[${i}]`, RETURN_REASONS)))];
  const note = reasons.includes('other') ? nonEmptyText(command.data.note, 'note') : optionalNote(command.data.note);
  return [{ type: 'dispatch.case.return_requested.v1', data: { caseId: s.caseId, unitId: s.unitId, reasons, note, requestedAt: at } }];
}

export function applyForExtension(command: ApplyForExtension, state: CaseState): readonly CaseEvent[] {
  const s = mustBeIn(ownedBy(state, command), command.type, 'handling');
  const at = Instant(command.data.at);
  const requested = futureInstant(command.data.requestedDeadline, 'requestedDeadline', at);
  if (toMillis(requested) <= toMillis(s.deadline)) {
    throw new ValidationError('an extension must move the deadline later', [
      { field: 'requestedDeadline', message: `not after ${s.deadline}` },
    ]);
  }
  const reason = nonEmptyText(command.data.reason, 'reason');
  return [
    {
      type: 'dispatch.case.extension_requested.v1',
      data: { caseId: s.caseId, unitId: s.unitId, currentDeadline: s.deadline, requestedDeadline: requested, reason, requestedAt: at },
    },
  ];
}

export function applyForSuspension(command: ApplyForSuspension, state: CaseState): readonly CaseEvent[] {
  const s = mustBeIn(ownedBy(state, command), command.type, 'handling');
  const at = Instant(command.data.at);
  const reason = nonEmptyText(command.data.reason, 'reason');
  return [{ type: 'dispatch.case.suspension_requested.v1', data: { caseId: s.caseId, unitId: s.unitId, reason, requestedAt: at } }];
}

/**
 * A suspended (挂账) case is eventually fixed too, so handling may be reported from there. On
 * time means by the deadline in force; suspended cases leave the due counts by their own counter.
 */
export function reportHandling(command: ReportHandling, state: CaseState): readonly CaseEvent[] {
  const s = mustBeIn(ownedBy(state, command), command.type, 'handling', 'suspended');
  const at = Instant(command.data.at);
  const notes = nonEmptyText(command.data.notes, 'notes');
  const photos = photoRefs(command.data.photoRefs);
  const onTime = toMillis(at) <= toMillis(s.deadline);
  return [
    {
      type: 'dispatch.case.handling_reported.v1',
      data: { caseId: s.caseId, unitId: s.unitId, notes, photoRefs: photos, reportedAt: at, deadline: s.deadline, onTime },
    },
  ];
}
