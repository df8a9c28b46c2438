import { IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { inSeasonWindow } from './season';
import { HeatingRoles, requireCompany, requireRole } from '../shared/actor';
import {
  CompanyId,
  ComplaintId,
  HouseholdId,
  Instant,
  invalid,
  nonEmptyText,
  oneOf,
  optionalText,
  PointId,
  toMillis,
} from '../shared/values';
import { CHANNELS, type ComplaintEvent } from './complaint-events';
import {
  type Acknowledge,
  type ApproveRefund,
  type ErasePersonalData,
  type MarkOverdue,
  type OrderThirdPartyMeasurement,
  type ReceiveComplaint,
} from './complaint-commands';
import { mustBeIn, mustExist } from './complaint-rules';
import { runningLimit, type ComplaintState } from './complaint-state';

/**
 * The complaint's intake and the supervision office's steps: receiving (out of season refused),
 * the company's acknowledgement, ordering a third-party test, approving the refund, the overdue
 * mark with its 督办, and the erasure of the contact.
 */
export function receiveComplaint(command: ReceiveComplaint, state: ComplaintState): readonly ComplaintEvent[] {
  const d = command.data;
  const channel = oneOf(d.channel, 'channel', CHANNELS);
  if (channel === 'monitoring') requireRole(command.actor, command.type, HeatingRoles.system);
  else requireRole(command.actor, command.type, HeatingRoles.supervision, HeatingRoles.intake);
  if (state.status !== 'none')
    throw new IllegalStateError(`complaint ${d.complaintId} exists already`, { command: command.type, status: state.status });
  const complaintId = ComplaintId(d.complaintId);
  const householdId = HouseholdId(d.householdId);
  const companyId = CompanyId(d.companyId);
  const at = Instant(d.at);
  if (!inSeasonWindow(toMillis(at), d.seasonStartsAt, d.terms.seasonEndsAt)) {
    throw new ValidationError(`heating complaints are taken in the heating season only (${d.seasonStartsAt} – ${d.terms.seasonEndsAt})`, [
      { field: 'at', message: `${at} is outside the heating season` },
    ]);
  }
  const pointId = channel === 'monitoring' ? PointId(d.pointId) : '';
  const measureDeadline = Instant(d.measureDeadline, 'measureDeadline');
  if (toMillis(measureDeadline) <= toMillis(at)) invalid('measureDeadline', `must be after ${at}`);
  const description = channel === 'monitoring' ? optionalText(d.description, 'description') : nonEmptyText(d.description, 'description');
  return [
    {
      type: 'heating.complaint.received.v1',
      data: {
        complaintId,
        householdId,
        compoundId: householdId.slice(0, householdId.indexOf(':')),
        companyId,
        channel,
        pointId,
        description,
        contact: d.contact,
        externalRef: optionalText(d.externalRef, 'externalRef', 100),
        receivedAt: at,
        measureDeadline,
        terms: d.terms,
      },
    },
  ];
}

export function acknowledge(command: Acknowledge, state: ComplaintState): readonly ComplaintEvent[] {
  const existing = mustExist(state, command.type);
  requireCompany(command.actor, command.type, existing.companyId);
  const s = mustBeIn(existing, command.type, 'awaiting_measurement');
  if (s.acknowledgedAt !== null) return [];
  const at = Instant(command.data.at);
  return [
    {
      type: 'heating.complaint.acknowledged.v1',
      data: { complaintId: s.complaintId, companyId: s.companyId, by: command.actor.subject, acknowledgedAt: at },
    },
  ];
}

export function orderThirdParty(command: OrderThirdPartyMeasurement, state: ComplaintState): readonly ComplaintEvent[] {
  requireRole(command.actor, command.type, HeatingRoles.supervision);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'disputed');
  if (s.labId !== null)
    throw new IllegalStateError(`a third-party measurement is already ordered from ${s.labId}`, {
      command: command.type,
      status: s.status,
    });
  const labId = CompanyId(command.data.labId, 'labId');
  const at = Instant(command.data.at);
  return [
    {
      type: 'heating.complaint.third_party_ordered.v1',
      data: { complaintId: s.complaintId, labId, note: optionalText(command.data.note, 'note'), by: command.actor.subject, orderedAt: at },
    },
  ];
}

export function approveRefund(command: ApproveRefund, state: ComplaintState): readonly ComplaintEvent[] {
  requireRole(command.actor, command.type, HeatingRoles.supervision);
  const s = mustBeIn(mustExist(state, command.type), command.type, 'refund_pending');
  const at = Instant(command.data.at);
  const { complaintId, companyId, householdId } = s;
  return [
    {
      type: 'heating.complaint.refund_approved.v1',
      data: {
        complaintId,
        companyId,
        householdId,
        refundCents: s.refund.refundCents,
        by: command.actor.subject,
        note: optionalText(command.data.note, 'note'),
        approvedAt: at,
      },
    },
    { type: 'heating.complaint.closed.v1', data: { complaintId, companyId, outcome: 'refunded', closedAt: at } },
  ];
}

/** Once per deadline: the mark and the supervision (督办) that counts against the company. */
export function markOverdue(command: MarkOverdue, state: ComplaintState): readonly ComplaintEvent[] {
  requireRole(command.actor, command.type, HeatingRoles.system);
  const s = mustExist(state, command.type);
  const running = runningLimit(s);
  const at = Instant(command.data.at);
  if (running === null)
    throw new IllegalStateError(`no limit runs while the complaint is ${s.status}`, { command: command.type, status: s.status });
  if (toMillis(at) <= toMillis(running.deadline))
    throw new IllegalStateError(`the ${running.limit} limit runs until ${running.deadline}`, { command: command.type, status: s.status });
  if (s.overdueMarkedFor === running.deadline) return [];
  const { complaintId, companyId } = s;
  const what = running.limit === 'measurement' ? '入户测温' : '整改';
  return [
    {
      type: 'heating.complaint.overdue_marked.v1',
      data: { complaintId, companyId, limit: running.limit, deadline: running.deadline, markedAt: at },
    },
    {
      type: 'heating.complaint.supervised.v1',
      data: { complaintId, companyId, note: `超时督办: ${what}时限 ${running.deadline} 已过`, by: command.actor.subject, supervisedAt: at },
    },
  ];
}

export function erasePersonalData(command: ErasePersonalData, state: ComplaintState): readonly ComplaintEvent[] {
  requireRole(command.actor, command.type, HeatingRoles.supervision);
  const s = mustExist(state, command.type);
  if (s.personalDataErased) return [];
  return [
    {
      type: 'heating.complaint.personal_data_erased.v1',
      data: { complaintId: s.complaintId, by: command.actor.subject, erasedAt: Instant(command.data.at) },
    },
  ];
}
