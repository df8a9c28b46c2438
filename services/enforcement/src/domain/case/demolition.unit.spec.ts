import { ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { nextDeadline, runningDeadlines } from './deadlines';
import { cmd, history, noticed, people, policy, spec, stateOf, t } from './procedure.fixtures';
import { atNight } from './decide-demolition';

// 违法建设 under 行政强制法: an order to demolish (限期拆除), served Thu 13 March 2025; the review
// (60 days) and litigation (6 months) periods lapse at the end of Sat 13 September 2025.
const DEMOLISH = { kinds: ['order_demolition'] };
const served = () => [
  ...noticed(DEMOLISH),
  cmd.statement(t('2025-03-11 09:00')),
  cmd.review(t('2025-03-11 15:00')),
  cmd.decide(t('2025-03-12 10:00'), DEMOLISH),
  cmd.publish(t('2025-03-12 11:00')),
  cmd.serve(t('2025-03-13 10:00')),
];
const d = {
  stop: (at: string) => cmd.raw('OrderStopConstruction', people.officer, { order: '立即停止建设', at }),
  announce: (at: string, periodDays = 30) => cmd.raw('AnnounceDemolition', people.leader, { periodDays, notice: '限期自行拆除公告', at }),
  demand: (at: string) => cmd.raw('DemandDemolition', people.officer, { at }),
  force: (at: string) => cmd.raw('DecideForcedDemolition', people.leader, { reasons: '逾期不拆除', at }),
  schedule: (at: string, demolitionAt: string) => cmd.raw('ScheduleDemolition', people.leader, { demolitionAt, executor: '区拆违办', at }),
  done: (at: string, by = 'authority') => cmd.raw('RecordDemolition', people.officer, { by, note: '已拆除', at }),
};
const announced = () => [...served(), d.announce(t('2025-03-14 10:00'))];
const demanded = () => [...announced(), d.demand(t('2025-04-14 09:00'))];
const forced = () => [...demanded(), d.force(t('2025-09-14 10:00'))];
const scheduled = () => [...forced(), d.schedule(t('2025-09-15 09:00'), t('2025-09-19 09:00'))];

describe('责令停止建设 (城乡规划法 Art 64)', () => {
  it('is ordered while the case is open, once', () => {
    expect(history(cmd.register(t('2025-03-03 09:00')), d.stop(t('2025-03-03 10:00'))).at(-1)).toMatchObject({
      type: 'enforcement.case.construction_stop_ordered.v1',
      data: { orderedBy: 'zhang.wei' },
    });
    spec
      .given(history(cmd.register(t('2025-03-03 09:00')), d.stop(t('2025-03-03 10:00'))))
      .when(d.stop(t('2025-03-03 11:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/once/));
  });
});

describe('公告 of the order to demolish (行政强制法 Art 44)', () => {
  it('announces the party’s own period, to the end of its last day', () => {
    expect(history(...announced()).at(-1)).toMatchObject({
      type: 'enforcement.case.demolition_announced.v1',
      data: { demolishBy: t('2025-04-14 00:00') },
    });
    expect(nextDeadline(stateOf(history(...announced())) as never)).toMatchObject({ kind: 'self_demolition' });
  });

  it('refuses a decision that orders no demolition, a period out of range and an officer without approval', () => {
    const fine = [...noticed(), cmd.statement(t('2025-03-11 09:00')), cmd.decide(t('2025-03-12 10:00')), cmd.serve(t('2025-03-13 10:00'))];
    spec
      .given(history(...fine))
      .when(d.announce(t('2025-03-14 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/does not order a demolition.*Art 44/));
    spec
      .given(history(...served()))
      .when(d.announce(t('2025-03-14 10:00'), 0))
      .thenThrows(ValidationError);
    spec
      .given(history(...served()))
      .when(d.announce(t('2025-03-14 10:00'), 181))
      .thenThrows(ValidationError);
    spec
      .given(history(...served()))
      .when(cmd.as(people.officer, d.announce(t('2025-03-14 10:00'))))
      .thenThrows(ForbiddenError);
  });

  it('not before the decision is served', () => {
    spec
      .given(history(...served().slice(0, -1)))
      .when(d.announce(t('2025-03-14 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/status decided/));
  });
});

describe('催告 (行政强制法 Art 35) after the party’s period', () => {
  it('on its last day: refused; the next morning: 10 working days to comply (Art 69)', () => {
    spec
      .given(history(...announced()))
      .when(d.demand(t('2025-04-13 23:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/公告期/));
    const demand = history(...demanded()).at(-1)!;
    expect(demand).toMatchObject({ type: 'enforcement.case.demolition_demanded.v1' });
    // Mon 14 April + 10 working days ends on Sun 27 April, the May Day make-up working day.
    expect((demand.data as { complyBy: string }).complyBy.slice(0, 10)).toBe('2025-04-27');
  });
});

describe('强制拆除决定 (行政强制法 Art 37, 44)', () => {
  it('one day before the litigation period ends: refused; the day it has lapsed: decided', () => {
    spec
      .given(history(...demanded()))
      .when(d.force(t('2025-09-13 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 44: forced demolition only after the appeal periods/));
    expect(history(...forced()).at(-1)).toMatchObject({
      type: 'enforcement.case.forced_demolition_decided.v1',
      data: { appealsLapsedAt: t('2025-09-14 00:00'), approvedBy: 'li.qiang' },
    });
  });

  it('needs the demand first, and its 10 working days run out', () => {
    spec
      .given(history(...announced()))
      .when(d.force(t('2025-09-14 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/催告 first/));
    const lateDemand = [...announced(), d.demand(t('2025-09-10 09:00'))];
    spec
      .given(history(...lateDemand))
      .when(d.force(t('2025-09-15 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/the demand runs until.*Art 35, 37/));
  });
});

describe('代履行 (行政强制法 Art 43, 51)', () => {
  it('announced at least 3 working days ahead', () => {
    spec
      .given(history(...forced()))
      .when(d.schedule(t('2025-09-15 09:00'), t('2025-09-18 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 51/));
    expect(history(...scheduled()).at(-1)).toMatchObject({
      type: 'enforcement.case.demolition_scheduled.v1',
      data: { demolitionAt: t('2025-09-19 09:00') },
    });
  });

  it('never at night, on a rest day or on a public holiday (Art 43)', () => {
    const at = t('2025-09-15 09:00');
    for (const [when, rule] of [
      [t('2025-09-19 22:30'), /at night/],
      [t('2025-09-19 05:59'), /at night/],
      [t('2025-09-20 10:00'), /holiday or rest day/],
      [t('2025-10-01 10:00'), /holiday or rest day/],
    ] as const) {
      spec
        .given(history(...forced()))
        .when(d.schedule(at, when))
        .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(rule));
    }
    expect(atNight(policy, Date.parse(t('2025-09-19 06:00')))).toBe(false);
    expect(atNight(policy, Date.parse(t('2025-09-19 21:59')))).toBe(false);
  });

  it('not before the decision to enforce', () => {
    spec
      .given(history(...demanded()))
      .when(d.schedule(t('2025-09-15 09:00'), t('2025-09-19 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 37/));
  });
});

describe('removal and closing', () => {
  it('the authority removes it on the announced day, not before; then the case closes', () => {
    spec
      .given(history(...scheduled()))
      .when(d.done(t('2025-09-19 08:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/代履行 was announced for/));
    const done = history(...scheduled(), d.done(t('2025-09-19 12:00')), cmd.close(t('2025-09-20 10:00')));
    expect(done.at(-2)).toMatchObject({ type: 'enforcement.case.demolished.v1', data: { by: 'authority' } });
    expect(done.at(-1)).toMatchObject({ type: 'enforcement.case.closed.v1' });
  });

  it('the party may remove it itself in its period; nothing then runs', () => {
    const events = history(...announced(), d.done(t('2025-04-01 10:00'), 'party'));
    expect(events.at(-1)).toMatchObject({ data: { by: 'party' } });
    expect(runningDeadlines(stateOf(events) as never)).toEqual([]);
  });

  it('a case ordering a demolition does not close while the structure stands', () => {
    spec
      .given(history(...announced()))
      .when(cmd.close(t('2025-04-01 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/not been removed.*Art 44/));
  });

  it('the party’s period and the demand are durable deadlines the scan marks once passed', () => {
    expect(history(...announced(), cmd.missed(t('2025-04-14 08:00'), 'self_demolition', t('2025-04-14 00:00'))).at(-1)).toMatchObject({
      type: 'enforcement.case.deadline_missed.v1',
      data: { kind: 'self_demolition' },
    });
    expect(nextDeadline(stateOf(history(...demanded())) as never)).toMatchObject({ kind: 'demolition_demand' });
  });
});
