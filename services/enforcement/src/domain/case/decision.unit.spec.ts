import { ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { COMPANY, cmd, filed, history, noticed, people, spec, stateOf, t, TWO } from './procedure.fixtures';

const defended = () => [...noticed(), cmd.statement(t('2025-03-11 09:00'))];
const LIGHTER = { kinds: ['fine'], fineFen: 200_000 };

describe('the decision (处罚决定, Art 57)', () => {
  it('no penalty decision before the prior notice (Art 44); no penalty / transfer may follow filing directly', () => {
    spec
      .given(history(...filed()))
      .when(cmd.decide(t('2025-03-12 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 44/));
    expect(stateOf(history(...filed(), cmd.decide(t('2025-03-12 10:00'), null, 'no_penalty'))).status).toBe('decided');
    expect(stateOf(history(...filed(), cmd.decide(t('2025-03-12 10:00'), null, 'transfer'))).status).toBe('transferred');
    spec
      .given(history(...filed()))
      .when(cmd.decide(t('2025-03-12 10:00'), null, 'acquittal'))
      .thenThrows(ValidationError);
  });

  it('not while the party may still state and defend, nor while a hearing may still be asked', () => {
    spec
      .given(history(...noticed()))
      .when(cmd.decide(t('2025-03-17 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 44\/45/));
    spec
      .given(history(...noticed({ kinds: ['fine'], fineFen: 1_000_000 }), cmd.statement(t('2025-03-11 09:00'), false)))
      .when(cmd.decide(t('2025-03-12 10:00'), { kinds: ['fine'], fineFen: 1_000_000 }))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 64/));
    expect(history(...noticed(), cmd.decide(t('2025-03-18 09:00'))).at(-1)).toMatchObject({ type: 'enforcement.case.decided.v1' });
  });

  it('after a defence the decision is never heavier (Art 45); lighter is fine', () => {
    spec
      .given(history(...defended()))
      .when(cmd.decide(t('2025-03-12 10:00'), { kinds: ['fine'], fineFen: 300_001 }))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 45/));
    spec
      .given(history(...defended()))
      .when(cmd.decide(t('2025-03-12 10:00'), { kinds: ['fine', 'confiscate_property'], fineFen: 300_000 }))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 45.*|kinds not in the notice/));
    expect(history(...defended(), cmd.decide(t('2025-03-12 10:00'), LIGHTER)).at(-1)).toMatchObject({
      data: { penalty: { fineFen: 200_000 } },
    });
  });

  it('without a defence, a heavier penalty needs a new notice (Art 44)', () => {
    spec
      .given(history(...noticed()))
      .when(cmd.decide(t('2025-03-18 10:00'), { kinds: ['fine'], fineFen: 400_000 }))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 44\)/));
  });

  it('needs legal review when the predicates say so (Art 58): a fine of 5,000 yuan for a person', () => {
    const big = { kinds: ['fine'], fineFen: 500_000 };
    spec
      .given(history(...noticed(big), cmd.statement(t('2025-03-11 09:00'))))
      .when(cmd.decide(t('2025-03-12 10:00'), big))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 58/));
    spec
      .given(history(...noticed(big), cmd.statement(t('2025-03-11 09:00')), cmd.review(t('2025-03-11 15:00'), 'returned')))
      .when(cmd.decide(t('2025-03-12 10:00'), big))
      .thenThrows(IllegalStateError);
    expect(
      history(
        ...noticed(big),
        cmd.statement(t('2025-03-11 09:00')),
        cmd.review(t('2025-03-11 15:00')),
        cmd.decide(t('2025-03-12 10:00'), big),
      ).at(-1),
    ).toMatchObject({ type: 'enforcement.case.decided.v1' });
  });

  it('a flagged case needs the review; a review before the hearing does not count after it', () => {
    const flagged = [
      cmd.register(t('2025-03-03 09:00')),
      cmd.act(t('2025-03-04 10:00')),
      cmd.file(t('2025-03-05 10:00'), ['complex']),
      cmd.notice(t('2025-03-10 10:00')),
    ];
    spec
      .given(history(...flagged, cmd.statement(t('2025-03-11 09:00'))))
      .when(cmd.decide(t('2025-03-12 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/complex/));
    const BIG = { kinds: ['fine'], fineFen: 1_000_000 };
    const heard = [
      ...noticed(BIG),
      cmd.review(t('2025-03-11 09:00')),
      cmd.requestHearing(t('2025-03-12 09:00')),
      cmd.schedule(t('2025-03-12 10:00'), t('2025-03-24 09:00')),
      cmd.holdHearing(t('2025-03-24 11:00')),
    ];
    spec
      .given(history(...heard))
      .when(cmd.decide(t('2025-03-25 10:00'), BIG))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/hearing was held/));
    expect(history(...heard, cmd.review(t('2025-03-24 15:00')), cmd.decide(t('2025-03-25 10:00'), BIG)).at(-1)).toMatchObject({
      type: 'enforcement.case.decided.v1',
    });
  });

  it('within 90 days of filing (Art 60), unless the bureau head extended them; only an approver decides', () => {
    spec
      .given(history(...defended()))
      .when(cmd.decide(t('2025-06-04 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 60/));
    const extended = [
      ...defended(),
      cmd.raw('ExtendDecisionLimit', people.head, { reason: '专家论证', extraDays: 30, at: t('2025-06-01 10:00') }),
    ];
    expect(history(...extended, cmd.decide(t('2025-06-04 09:00'))).at(-1)).toMatchObject({ type: 'enforcement.case.decided.v1' });
    spec
      .given(history(...defended()))
      .when(cmd.as(people.officer, cmd.decide(t('2025-03-12 10:00'))))
      .thenThrows(ForbiddenError);
    spec
      .given(history(...defended()))
      .when(cmd.as(people.otherSquad, cmd.decide(t('2025-03-12 10:00'))))
      .thenThrows(ForbiddenError);
  });

  it('sets service and publication due 7 working days later', () => {
    expect(history(...defended(), cmd.decide(t('2025-03-12 10:00'))).at(-1)).toMatchObject({
      data: { serviceDeadline: t('2025-03-21 18:00'), publicationDeadline: t('2025-03-21 18:00') },
    });
  });
});

describe('on-the-spot decisions (简易程序, Art 51)', () => {
  const spot = (party: object, fineFen: number, over: object = {}) =>
    cmd.raw('DecideOnTheSpot', people.officer, {
      caseId: 'EF-S1',
      squadId: 'squad.jiefang.1',
      district: '解放区',
      source: { kind: 'own_discovery', description: '店外经营', location: '民主路' },
      party,
      penalty: fineFen > 0 ? { kinds: ['fine'], fineFen } : { kinds: ['warning'] },
      officers: TWO,
      facts: '店外摆摊经营',
      at: t('2025-03-03 10:00'),
      ...over,
    });
  const PERSON = { type: 'person', name: '李四', idNumber: '410802198505051234' };

  it('200 yuan for a person: decided and served at once, payment due in 15 days; 201 yuan: refused', () => {
    expect(history(spot(PERSON, 20_000))[0]).toMatchObject({
      type: 'enforcement.case.decided_on_the_spot.v1',
      data: { paymentDeadline: t('2025-03-19 00:00') },
    });
    expect(stateOf(history(spot(PERSON, 20_000))).status).toBe('awaiting_payment');
    spec
      .given([])
      .when(spot(PERSON, 20_100))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/at most 200.00 元.*Art 51/));
  });

  it('3,000 yuan for an organisation; 3,001 refused; a warning has nothing to pay', () => {
    expect(history(spot(COMPANY, 300_000))).toHaveLength(1);
    spec.given([]).when(spot(COMPANY, 300_100)).thenThrows(ValidationError);
    expect(stateOf(history(spot(PERSON, 0))).status).toBe('executed');
  });

  it('only a warning or a fine, by two officers', () => {
    spec
      .given([])
      .when(spot(PERSON, 0, { penalty: { kinds: ['order_demolition'] } }))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/Art 51/));
    spec
      .given([])
      .when(spot(PERSON, 10_000, { officers: ['zhang.wei'] }))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/Art 42/));
  });
});
