import { deciderSpec, ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { actors, ctx, MONDAY_10, shanghai, spot, SQUAD } from '../../parking.test-helpers';
import { type Actor } from '../shared/actor';
import { obstructionDecider } from './obstruction-decider';
import { type ObstructionCommand, type ObstructionEvent } from './obstruction-events';

const decider = obstructionDecider(ctx);
const spec = deciderSpec(decider);
const c = <T extends ObstructionCommand['type']>(
  type: T,
  data: Extract<ObstructionCommand, { type: T }>['data'],
  actor: Actor = actors.officer,
) => ({ type, data, actor }) as Extract<ObstructionCommand, { type: T }>;

function historyOf(...commands: ObstructionCommand[]): ObstructionEvent[] {
  const events: ObstructionEvent[] = [];
  let state = decider.initialState();
  for (const command of commands) {
    const out = decider.decide(command, state);
    events.push(...out);
    state = out.reduce(decider.evolve, state);
  }
  return events;
}

const survey = (over: Partial<Extract<ObstructionCommand, { type: 'SurveyObstruction' }>['data']> = {}) =>
  c('SurveyObstruction', {
    obstructionId: 'O-1',
    kind: 'ground_lock',
    location: spot,
    ownerSealed: '',
    photoRefs: ['o/1.jpg'],
    squad: SQUAD,
    campaign: '拔桩拆锁2026',
    blocksRoad: false,
    at: MONDAY_10,
    ...over,
  });
const order = (removeBy: string | null = null) => c('OrderRemoval', { orderNo: 'Z-1', removeBy, at: MONDAY_10 });
/** Ordered Monday 2 March (5 working days: to Monday 9 March 18:00), reminded Tuesday 10 March. */
const remind = (scheduledLocal: string) =>
  c('ServeRemovalReminder', { scheduledRemovalAt: shanghai(scheduledLocal), at: shanghai('2026-03-10T10:00:00') });
const reminded = () => historyOf(survey(), order(), remind('2026-03-16T10:00:00'));
const bySquad = (local: string) => c('RecordRemoval', { by: 'squad', costYuan: 80, at: shanghai(local) });

describe('拔桩拆锁: survey → order → reminder → removal', () => {
  it('the order gives the owner the rules’ default of 5 working days', () => {
    expect(historyOf(survey(), order())[1]).toMatchObject({
      type: 'parking.obstruction.removal_ordered.v1',
      data: { removeBy: shanghai('2026-03-09T18:00:00') },
    });
  });

  it('survey refuses unknown kinds, missing photos, and another squad', () => {
    spec
      .given([])
      .when(survey({ kind: 'flower_pot' }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(survey({ photoRefs: [] }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(c('SurveyObstruction', { ...survey().data }, actors.otherSquad))
      .thenThrows(ForbiddenError);
  });

  it('no reminder while the owner’s deadline runs; the deadline scan marks it overdue once', () => {
    spec
      .given(historyOf(survey(), order()))
      .when(c('ServeRemovalReminder', { scheduledRemovalAt: shanghai('2026-03-13T10:00:00'), at: shanghai('2026-03-09T17:00:00') }))
      .thenThrows(IllegalStateError);
    const overdue = historyOf(survey(), order(), c('MarkRemovalOverdue', { at: shanghai('2026-03-10T09:00:00') }, actors.system));
    expect(overdue[2]!.type).toBe('parking.obstruction.removal_overdue_marked.v1');
    spec
      .given(overdue)
      .when(c('MarkRemovalOverdue', { at: shanghai('2026-03-10T09:05:00') }, actors.system))
      .then([]);
  });

  it('代履行 announced 3 full working days ahead (Art 51): reminded Tuesday, Monday 16 March is, Friday 13 March is not', () => {
    expect(reminded()[2]!.data).toMatchObject({ scheduledRemovalAt: shanghai('2026-03-16T10:00:00') });
    spec
      .given(historyOf(survey(), order()))
      .when(remind('2026-03-13T10:00:00'))
      .thenThrows(ValidationError, (e) => expect(e.message).toContain('Art 51'));
  });

  it('removed by the squad on the day announced, in office hours, with the cost recorded', () => {
    expect(decider.decide(bySquad('2026-03-16T10:30:00'), reminded().reduce(decider.evolve, decider.initialState()))).toMatchObject([
      { type: 'parking.obstruction.removed.v1', data: { by: 'squad', immediate: false, costYuan: 80, kind: 'ground_lock' } },
    ]);
    spec.given(reminded()).when(bySquad('2026-03-13T10:30:00')).thenThrows(IllegalStateError);
    spec
      .given(historyOf(survey(), order()))
      .when(bySquad('2026-03-13T10:30:00'))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toContain('reminder'));
  });

  it('never at night, on a rest day or on a public holiday (行政强制法 Art 43); a make-up Saturday is a working day', () => {
    spec
      .given(reminded())
      .when(bySquad('2026-03-16T23:00:00'))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toContain('night'));
    spec
      .given(reminded())
      .when(bySquad('2026-03-21T10:00:00'))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toContain('rest day'));
    spec
      .given(reminded())
      .when(bySquad('2026-10-02T10:00:00'))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toContain('国庆节'));
    expect(decider.decide(bySquad('2026-10-10T10:00:00'), reminded().reduce(decider.evolve, decider.initialState()))).toHaveLength(1);
  });

  it('the owner may remove it any time after the survey; then a fine may follow, once', () => {
    const byOwner = historyOf(survey(), order(), c('RecordRemoval', { by: 'owner', costYuan: 0, at: shanghai('2026-03-03T10:00:00') }));
    expect(byOwner[2]!.data).toMatchObject({ by: 'owner', costYuan: 0 });
    const fined = [
      ...byOwner,
      ...decider.decide(
        c('ImposeObstructionFine', { decisionNo: 'F-1', amount: 500, at: MONDAY_10 }),
        byOwner.reduce(decider.evolve, decider.initialState()),
      ),
    ];
    expect(fined[3]!.type).toBe('parking.obstruction.fine_imposed.v1');
    spec
      .given(fined)
      .when(c('ImposeObstructionFine', { decisionNo: 'F-2', amount: 500, at: MONDAY_10 }))
      .thenThrows(IllegalStateError);
    spec.given(byOwner).when(bySquad('2026-03-13T10:30:00')).thenThrows(IllegalStateError);
  });
});

describe('immediate removal (行政强制法 Art 52)', () => {
  it('allowed where it blocks a road, with its reason; not otherwise, and not on a holiday', () => {
    const blocking = historyOf(survey({ blocksRoad: true }));
    expect(
      decider.decide(
        c('RemoveImmediately', { reason: '阻断消防通道', costYuan: 50, at: MONDAY_10 }),
        blocking.reduce(decider.evolve, decider.initialState()),
      )[0]!.data,
    ).toMatchObject({ immediate: true, reason: '阻断消防通道' });
    spec
      .given(historyOf(survey()))
      .when(c('RemoveImmediately', { reason: '占道', costYuan: 0, at: MONDAY_10 }))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toContain('Art 52'));
    spec
      .given(blocking)
      .when(c('RemoveImmediately', { reason: '占道', costYuan: 0, at: shanghai('2026-05-01T10:00:00') }))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toContain('劳动节'));
    spec
      .given(blocking)
      .when(c('RemoveImmediately', { reason: '', costYuan: 0, at: MONDAY_10 }))
      .thenThrows(ValidationError);
  });
});
