import { IllegalStateError, NotFoundError } from '@yiwang/kernel-core';
import { refundCents, refundPercent, substandardDays, type Cause } from '../config';
import { instantFromMillis, toMillis, type Instant } from '../shared/values';
import { type ComplaintEvent } from './complaint-events';
import { type ComplaintState, type ComplaintStatus, type ExistingComplaint, type Period } from './complaint-state';

/** Shared guards and the outcome of a period; each guard throws the error kind the transports map. */

export function mustExist(state: ComplaintState, command: string): ExistingComplaint {
  if (state.status === 'none') throw new NotFoundError(`${command}: no such heating complaint`, { command });
  return state;
}

export function mustBeIn<S extends ComplaintStatus>(
  state: ComplaintState,
  command: string,
  ...statuses: readonly S[]
): Extract<ComplaintState, { status: S }> {
  if (!(statuses as readonly string[]).includes(state.status)) {
    throw new IllegalStateError(`${command} is not allowed while the complaint is ${state.status}`, {
      command,
      status: state.status,
      allowed: statuses,
    });
  }
  return state as Extract<ComplaintState, { status: S }>;
}

/**
 * A compliant re-measurement ends the sub-standard period (达标): the days since the complaint
 * (cut at the season's end), the refund by the complaint's terms, and — when nothing is owed —
 * the closure. A cause the city excludes (e.g. household side) owes nothing.
 */
export function endPeriod(s: ExistingComplaint, period: Period, at: Instant): ComplaintEvent[] {
  const { complaintId, companyId, householdId, terms } = s;
  const untilMs = Math.min(toMillis(at), toMillis(terms.seasonEndsAt));
  const days = substandardDays(toMillis(period.since), untilMs);
  const excluded = (terms.excludedCauses as readonly Cause[]).includes(period.cause);
  const percent = refundPercent(terms.refundRule, terms.standardDeci, period.lowestDeci);
  const cents = excluded ? 0 : refundCents(terms.dailyFeeCentsPerM2, terms.heatedAreaCentiM2, days, percent);
  const events: ComplaintEvent[] = [
    {
      type: 'heating.complaint.restored.v1',
      data: { complaintId, companyId, since: period.since, until: instantFromMillis(untilMs), days, restoredAt: at },
    },
    {
      type: 'heating.complaint.refund_computed.v1',
      data: {
        complaintId,
        companyId,
        householdId,
        days,
        lowestDeci: period.lowestDeci,
        percent,
        heatedAreaCentiM2: terms.heatedAreaCentiM2,
        dailyFeeCentsPerM2: terms.dailyFeeCentsPerM2,
        cause: period.cause,
        excluded,
        refundCents: cents,
        rule: terms.refundRule.name,
        computedAt: at,
      },
    },
  ];
  if (cents === 0)
    events.push({ type: 'heating.complaint.closed.v1', data: { complaintId, companyId, outcome: 'no_refund', closedAt: at } });
  return events;
}
