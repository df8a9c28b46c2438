import { ForbiddenError, IllegalStateError } from '@yiwang/kernel-core';
import { nextDeadline, runningDeadlines } from './deadlines';
import { cmd, history, noticed, people, spec, stateOf, t } from './procedure.fixtures';
import { type EnforcementCase } from './state';

const state = (...c: Parameters<typeof history>) => stateOf(history(...c)) as EnforcementCase;
const decided = () => [...noticed(), cmd.statement(t('2025-03-11 09:00')), cmd.decide(t('2025-03-12 10:00'))];

describe('running deadlines and the overdue marks of the scan', () => {
  it('follow the procedure: lead check → decision → service and publication → payment', () => {
    expect(runningDeadlines(state(cmd.register(t('2025-03-03 09:00'))))).toEqual([{ kind: 'lead_check', deadline: t('2025-03-24 18:00') }]);
    expect(runningDeadlines(state(...noticed()))).toEqual([{ kind: 'decision', deadline: t('2025-06-04 00:00') }]);
    expect(runningDeadlines(state(...decided())).map((d) => d.kind)).toEqual(['service', 'publication']);
    expect(runningDeadlines(state(...decided(), cmd.serve(t('2025-03-13 10:00')), cmd.publish(t('2025-03-13 11:00'))))).toEqual([
      { kind: 'payment', deadline: t('2025-03-29 00:00') },
    ]);
  });

  it('the scan marks a passed deadline once; not before it passes; only as system', () => {
    const given = history(cmd.register(t('2025-03-03 09:00')));
    spec
      .given(given)
      .when(cmd.missed(t('2025-03-24 17:00'), 'lead_check', t('2025-03-24 18:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/not yet passed/));
    spec
      .given(given)
      .when(cmd.as(people.officer, cmd.missed(t('2025-03-25 09:00'), 'lead_check', t('2025-03-24 18:00'))))
      .thenThrows(ForbiddenError);
    const marked = history(cmd.register(t('2025-03-03 09:00')), cmd.missed(t('2025-03-25 09:00'), 'lead_check', t('2025-03-24 18:00')));
    expect(marked.at(-1)).toMatchObject({ type: 'enforcement.case.deadline_missed.v1', data: { kind: 'lead_check' } });
    spec
      .given(marked)
      .when(cmd.missed(t('2025-03-25 10:00'), 'lead_check', t('2025-03-24 18:00')))
      .then([]);
    expect(nextDeadline(stateOf(marked) as EnforcementCase)).toBeNull();
  });

  it('a deadline that moved on (extended, or the step done) is not marked', () => {
    const extended = [
      cmd.register(t('2025-03-03 09:00')),
      cmd.raw('ExtendLeadCheck', people.leader, { reason: '调档', at: t('2025-03-20 10:00') }),
    ];
    spec
      .given(history(...extended))
      .when(cmd.missed(t('2025-03-25 09:00'), 'lead_check', t('2025-03-24 18:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/no running/));
    expect(nextDeadline(state(...extended))).toEqual({ kind: 'lead_check', deadline: t('2025-04-08 18:00') });
  });

  it('the earliest unmarked deadline comes next (publication after a missed service)', () => {
    const s = state(...decided(), cmd.publish(t('2025-03-13 11:00')));
    expect(nextDeadline(s)).toEqual({ kind: 'service', deadline: t('2025-03-21 18:00') });
  });

  it('erasing personal data blanks the party and happens once', () => {
    const erase = cmd.raw('ErasePersonalData', people.leader, { at: t('2025-03-05 10:00') });
    const erased = history(cmd.register(t('2025-03-03 09:00')), erase);
    expect((stateOf(erased) as EnforcementCase).party).toMatchObject({ name: '', idNumber: '', publicName: '(已删除)' });
    spec.given(erased).when(erase).then([]);
    spec
      .given(history(cmd.register(t('2025-03-03 09:00'))))
      .when(cmd.as(people.officer, erase))
      .thenThrows(ForbiddenError);
  });
});
