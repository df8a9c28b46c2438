import { ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { cmd, filed, history, noticed, people, spec, stateOf, t } from './procedure.fixtures';

const BIG = { kinds: ['fine'], fineFen: 1_000_000 }; // 10,000 yuan: a hearing right for a person
const requested = () => [...noticed(BIG), cmd.requestHearing(t('2025-03-17 17:00'))];

describe('prior notice (事先告知, Art 44) and statement (陈述申辩, Art 45)', () => {
  it('the notice needs a filed case, a named party and an investigation act', () => {
    spec
      .given(history(cmd.register(t('2025-03-03 09:00'))))
      .when(cmd.notice(t('2025-03-10 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 44/));
    spec
      .given(history(cmd.register(t('2025-03-03 09:00'), { party: null }), cmd.act(t('2025-03-04 10:00')), cmd.file(t('2025-03-05 10:00'))))
      .when(cmd.notice(t('2025-03-10 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/party/));
    spec
      .given(history(cmd.register(t('2025-03-03 09:00')), cmd.file(t('2025-03-05 10:00'))))
      .when(cmd.notice(t('2025-03-10 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/investigation/));
  });

  it('gives 5 working days to state and defend and tells whether a hearing may be asked (Art 63 thresholds as data)', () => {
    expect(history(...noticed()).at(-1)).toMatchObject({
      data: { statementDeadline: t('2025-03-17 18:00'), hearingRight: false, hearingRequestDeadline: t('2025-03-17 18:00') },
    });
    expect(history(...noticed(BIG)).at(-1)).toMatchObject({ data: { hearingRight: true } });
    expect(history(...noticed({ kinds: ['fine'], fineFen: 999_999 })).at(-1)).toMatchObject({ data: { hearingRight: false } });
    expect(history(...noticed({ kinds: ['order_demolition'] })).at(-1)).toMatchObject({ data: { hearingRight: true } });
  });

  it('a fine needs the kind "fine" and an amount; unknown kinds are refused', () => {
    spec
      .given(history(...filed()))
      .when(cmd.notice(t('2025-03-10 10:00'), { kinds: ['fine'], fineFen: 0 }))
      .thenThrows(ValidationError);
    spec
      .given(history(...filed()))
      .when(cmd.notice(t('2025-03-10 10:00'), { kinds: ['flogging'] }))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/must be one of/));
  });

  it('a statement is recorded within the period, not after it', () => {
    expect(stateOf(history(...noticed(), cmd.statement(t('2025-03-17 17:59')))).status).toBe('notice');
    spec
      .given(history(...noticed()))
      .when(cmd.statement(t('2025-03-18 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/statement period ended/));
  });
});

describe('hearing (听证, Art 64)', () => {
  it('asked on day 5 after the notice: accepted; on day 6: refused', () => {
    spec
      .given(history(...noticed(BIG)))
      .when(cmd.requestHearing(t('2025-03-17 17:00')))
      .then([{ type: 'enforcement.case.hearing_requested.v1', data: { caseId: 'EF-1', at: t('2025-03-17 17:00') } as never }]);
    spec
      .given(history(...noticed(BIG)))
      .when(cmd.requestHearing(t('2025-03-18 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 64\(1\)/));
  });

  it('no right to a hearing for a small fine; a waiver in the statement ends it; twice is refused', () => {
    spec
      .given(history(...noticed()))
      .when(cmd.requestHearing(t('2025-03-11 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 63/));
    spec
      .given(history(...noticed(BIG), cmd.statement(t('2025-03-11 09:00'), true)))
      .when(cmd.requestHearing(t('2025-03-12 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/waived/));
    spec
      .given(history(...requested()))
      .when(cmd.requestHearing(t('2025-03-17 17:30')))
      .thenThrows(IllegalStateError);
  });

  it('the party is notified at least 7 working days before the hearing', () => {
    spec
      .given(history(...requested()))
      .when(cmd.schedule(t('2025-03-18 10:00'), t('2025-03-27 09:00')))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/7 working days/));
    spec
      .given(history(...requested()))
      .when(cmd.as(people.officer, cmd.schedule(t('2025-03-18 10:00'), t('2025-03-28 09:00'))))
      .thenThrows(ForbiddenError);
    expect(history(...requested(), cmd.schedule(t('2025-03-18 10:00'), t('2025-03-28 09:00'))).at(-1)).toMatchObject({
      data: { hearingAt: t('2025-03-28 09:00') },
    });
  });

  it('the record comes at or after the scheduled time, by a hearing officer; hearing time is not counted in the 90 days (Art 60)', () => {
    const scheduled = [...requested(), cmd.schedule(t('2025-03-18 10:00'), t('2025-03-28 09:00'))];
    spec
      .given(history(...scheduled))
      .when(cmd.holdHearing(t('2025-03-27 09:00')))
      .thenThrows(IllegalStateError);
    spec
      .given(history(...scheduled))
      .when(cmd.as(people.leader, cmd.holdHearing(t('2025-03-28 11:00'))))
      .thenThrows(ForbiddenError);
    // requested 17 March 17:00, held 28 March 11:00: 11 days (started days count) added to 4 June.
    expect(history(...scheduled, cmd.holdHearing(t('2025-03-28 11:00'))).at(-1)).toMatchObject({
      data: { previousDecisionDeadline: t('2025-06-04 00:00'), decisionDeadline: t('2025-06-15 00:00') },
    });
  });
});

describe('legal review (法制审核, Art 58) and the decision limit (Art 60)', () => {
  it('only a legal reviewer records it, before the decision', () => {
    spec
      .given(history(...filed()))
      .when(cmd.as(people.leader, cmd.review(t('2025-03-06 10:00'))))
      .thenThrows(ForbiddenError);
    spec
      .given(history(cmd.register(t('2025-03-03 09:00'))))
      .when(cmd.review(t('2025-03-06 10:00')))
      .thenThrows(IllegalStateError);
    expect(history(...filed(), cmd.review(t('2025-03-06 10:00'), 'returned')).at(-1)).toMatchObject({
      data: { outcome: 'returned', reviewer: 'fa.zhi' },
    });
  });

  it('the bureau head extends the 90 days by whole days with a reason', () => {
    const extend = (extraDays: number) =>
      cmd.raw('ExtendDecisionLimit', people.head, { reason: '案情复杂, 需专家论证', extraDays, at: t('2025-05-20 10:00') });
    expect(history(...filed(), extend(30)).at(-1)).toMatchObject({
      data: { previousDeadline: t('2025-06-04 00:00'), newDeadline: t('2025-07-04 00:00') },
    });
    spec
      .given(history(...filed()))
      .when(extend(0))
      .thenThrows(ValidationError);
    spec
      .given(history(...filed()))
      .when(cmd.as(people.leader, extend(30)))
      .thenThrows(ForbiddenError);
  });
});
