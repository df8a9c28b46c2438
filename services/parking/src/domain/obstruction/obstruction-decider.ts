import { assertNever, IllegalStateError, type Decider } from '@yiwang/kernel-core';
import { deadlineAfter, holidayOn, isWorkingDay, type BusinessCalendar } from '@yiwang/working-time';
import { Roles, requireRole, requireSquad, type Actor } from '../shared/actor';
import { type ParkingRules } from '../rules/parking-rules';
import { atNight } from '../space/tidal-window';
import { Instant, instantFromMillis, invalid, ObstructionId, photoRefs, place, SquadId, text, toMillis, yuan } from '../shared/values';
import { OBSTRUCTION_KINDS, type ObstructionCommand, type ObstructionEvent, type ObstructionKind } from './obstruction-events';
import { evolveObstruction, initialObstructionState, type KnownObstruction, type ObstructionState } from './obstruction-state';

export type ObstructionContext = Readonly<{ rules: ParkingRules; calendar: BusinessCalendar }>;

function known(state: ObstructionState, command: string, ...statuses: KnownObstruction['status'][]): KnownObstruction {
  if (state.status === 'none') throw new IllegalStateError(`${command}: no such obstruction`, {});
  if (statuses.length > 0 && !statuses.includes(state.status))
    throw new IllegalStateError(`${command} is not allowed: the obstruction is ${state.status}`, { status: state.status });
  return state;
}

function squadOfficer(actor: Actor, command: string, s: KnownObstruction): void {
  requireRole(actor, command, Roles.officer, Roles.system);
  requireSquad(actor, command, s.squad);
}

const SHANGHAI = 8 * 3_600_000;

/** 行政强制法 Art 43: no enforcement at night or on a rest day or public holiday. */
function refuseNightOrHoliday(ctx: ObstructionContext, at: Instant): void {
  const ms = toMillis(at);
  const day = Math.floor((ms + SHANGHAI) / 86_400_000);
  const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
  if (!isWorkingDay(ctx.calendar, day)) {
    const holiday = holidayOn(ctx.calendar, date);
    throw new IllegalStateError(`no removal by the squad on ${date}${holiday ? ` (${holiday})` : ' (a rest day)'}: 行政强制法 Art 43`, {
      date,
    });
  }
  if (atNight(ctx.rules.night, ms))
    throw new IllegalStateError(`no removal by the squad at night (${ctx.rules.night.from}–${ctx.rules.night.to}): 行政强制法 Art 43`, {
      at,
    });
}

const removed = (
  s: KnownObstruction,
  by: 'owner' | 'squad',
  immediate: boolean,
  reason: string,
  costYuan: number,
  at: Instant,
): ObstructionEvent => ({
  type: 'parking.obstruction.removed.v1',
  data: {
    obstructionId: s.obstructionId as ObstructionId,
    kind: s.kind,
    squad: s.squad as SquadId,
    by,
    immediate,
    reason,
    costYuan: yuan(costYuan, 'costYuan', 0, 100_000),
    removedAt: at,
  },
});

export function decideObstruction(c: ObstructionCommand, state: ObstructionState, ctx: ObstructionContext): readonly ObstructionEvent[] {
  const at = Instant(c.data.at);
  switch (c.type) {
    case 'SurveyObstruction': {
      if (state.status !== 'none') throw new IllegalStateError(`obstruction ${c.data.obstructionId} is already surveyed`, {});
      requireRole(c.actor, 'SurveyObstruction', Roles.officer);
      const squad = SquadId(c.data.squad);
      requireSquad(c.actor, 'SurveyObstruction', squad);
      if (!(OBSTRUCTION_KINDS as readonly string[]).includes(c.data.kind))
        invalid('kind', `must be one of ${OBSTRUCTION_KINDS.join(', ')}`);
      const photos = photoRefs(c.data.photoRefs);
      if (photos.length === 0) invalid('photoRefs', 'a survey needs at least one photo');
      const d = c.data;
      return [
        {
          type: 'parking.obstruction.surveyed.v1',
          data: {
            obstructionId: ObstructionId(d.obstructionId),
            kind: d.kind as ObstructionKind,
            location: place(d.location),
            ownerSealed: d.ownerSealed,
            photoRefs: photos,
            squad,
            campaign: text(d.campaign, 'campaign', 80, true),
            blocksRoad: d.blocksRoad,
            surveyedAt: at,
          },
        },
      ];
    }
    case 'OrderRemoval': {
      const s = known(state, 'OrderRemoval', 'surveyed');
      squadOfficer(c.actor, 'OrderRemoval', s);
      const removeBy =
        c.data.removeBy === null
          ? instantFromMillis(deadlineAfter(ctx.calendar, new Date(at), ctx.rules.removalWithin).getTime())
          : Instant(c.data.removeBy, 'removeBy');
      if (toMillis(removeBy) <= toMillis(at)) invalid('removeBy', 'must be after the order');
      return [
        {
          type: 'parking.obstruction.removal_ordered.v1',
          data: { obstructionId: s.obstructionId as ObstructionId, orderNo: text(c.data.orderNo, 'orderNo', 40), removeBy, orderedAt: at },
        },
      ];
    }
    case 'MarkRemovalOverdue': {
      const s = known(state, 'MarkRemovalOverdue', 'ordered');
      requireRole(c.actor, 'MarkRemovalOverdue', Roles.system);
      if (s.status !== 'ordered' || s.overdue) return [];
      if (toMillis(at) <= toMillis(s.removeBy)) throw new IllegalStateError(`the owner has until ${s.removeBy}`, {});
      return [
        {
          type: 'parking.obstruction.removal_overdue_marked.v1',
          data: { obstructionId: s.obstructionId as ObstructionId, removeBy: s.removeBy as Instant, markedAt: at },
        },
      ];
    }
    case 'ServeRemovalReminder': {
      const s = known(state, 'ServeRemovalReminder', 'ordered');
      squadOfficer(c.actor, 'ServeRemovalReminder', s);
      if (s.status === 'ordered' && toMillis(at) <= toMillis(s.removeBy))
        throw new IllegalStateError(`the owner still has until ${s.removeBy} to remove it`, {});
      const scheduled = Instant(c.data.scheduledRemovalAt, 'scheduledRemovalAt');
      const earliest = deadlineAfter(ctx.calendar, new Date(at), ctx.rules.reminderAhead);
      if (toMillis(scheduled) < earliest.getTime()) {
        invalid(
          'scheduledRemovalAt',
          `代履行 must be announced at least ${ctx.rules.reminderAhead.amount} working days ahead (行政强制法 Art 51): not before ${earliest.toISOString()}`,
        );
      }
      return [
        {
          type: 'parking.obstruction.reminder_served.v1',
          data: { obstructionId: s.obstructionId as ObstructionId, scheduledRemovalAt: scheduled, servedAt: at },
        },
      ];
    }
    case 'RecordRemoval': {
      const s = known(state, 'RecordRemoval', 'surveyed', 'ordered', 'reminded');
      squadOfficer(c.actor, 'RecordRemoval', s);
      if (c.data.by === 'owner') return [removed(s, 'owner', false, '', 0, at)];
      if (c.data.by !== 'squad') invalid('by', 'must be owner or squad');
      if (s.status !== 'reminded')
        throw new IllegalStateError('代履行 needs a reminder served 3 working days ahead (行政强制法 Art 51)', {});
      if (toMillis(at) < toMillis(s.scheduledRemovalAt))
        throw new IllegalStateError(`the reminder announced removal for ${s.scheduledRemovalAt}`, {});
      refuseNightOrHoliday(ctx, at);
      return [removed(s, 'squad', false, '代履行', c.data.costYuan, at)];
    }
    case 'RemoveImmediately': {
      const s = known(state, 'RemoveImmediately', 'surveyed', 'ordered', 'reminded');
      squadOfficer(c.actor, 'RemoveImmediately', s);
      if (!s.blocksRoad) throw new IllegalStateError('immediate removal only where it blocks a road (行政强制法 Art 52)', {});
      refuseNightOrHoliday(ctx, at);
      return [removed(s, 'squad', true, text(c.data.reason, 'reason'), c.data.costYuan, at)];
    }
    case 'ImposeObstructionFine': {
      const s = known(state, 'ImposeObstructionFine', 'removed');
      squadOfficer(c.actor, 'ImposeObstructionFine', s);
      if (s.fined) throw new IllegalStateError('a fine was already imposed', {});
      return [
        {
          type: 'parking.obstruction.fine_imposed.v1',
          data: {
            obstructionId: s.obstructionId as ObstructionId,
            decisionNo: text(c.data.decisionNo, 'decisionNo', 40),
            amount: yuan(c.data.amount, 'amount', 1, 50_000),
            imposedAt: at,
          },
        },
      ];
    }
    case 'EraseObstructionPersonalData': {
      const s = known(state, 'EraseObstructionPersonalData');
      requireRole(c.actor, 'EraseObstructionPersonalData', Roles.privacy);
      return s.erased
        ? []
        : [
            {
              type: 'parking.obstruction.personal_data_erased.v1',
              data: { obstructionId: s.obstructionId as ObstructionId, erasedAt: at },
            },
          ];
    }
    default:
      return assertNever(c, 'obstruction command');
  }
}

export function obstructionDecider(ctx: ObstructionContext): Decider<ObstructionCommand, ObstructionEvent, ObstructionState> {
  return { initialState: initialObstructionState, decide: (c, s) => decideObstruction(c, s, ctx), evolve: evolveObstruction };
}
