import { ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { endOfDayMonthsAfter, surchargeFen } from './party-and-penalty';
import { cmd, history, noticed, people, spec, stateOf, t } from './procedure.fixtures';

const decided = () => [...noticed(), cmd.statement(t('2025-03-11 09:00')), cmd.decide(t('2025-03-12 10:00'))];
const served = () => [...decided(), cmd.serve(t('2025-03-13 10:00'))];
const demanded = () => [...served(), cmd.demand(t('2025-09-15 09:00'))];

describe('service (送达, Art 61)', () => {
  it('electronic service only with the party’s recorded consent', () => {
    spec
      .given(history(...decided()))
      .when(cmd.serve(t('2025-03-13 10:00'), 'electronic'))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 61/));
    const consent = cmd.raw('RecordServiceConsent', people.officer, { channel: '电子邮箱', at: t('2025-03-11 10:00') });
    expect(history(...decided(), consent, cmd.serve(t('2025-03-13 10:00'), 'electronic')).at(-1)).toMatchObject({
      data: { method: 'electronic' },
    });
  });

  it('starts the 15 days to pay, the appeal periods (60 days, 6 months) and the 3 months to apply to the court', () => {
    expect(history(...served()).at(-1)).toMatchObject({
      data: {
        onTime: true,
        paymentDeadline: t('2025-03-29 00:00'),
        appealsLapseAt: t('2025-09-14 00:00'),
        courtApplicationLatest: t('2025-12-14 00:00'),
      },
    });
    expect(history(...decided(), cmd.serve(t('2025-03-24 09:00'))).at(-1)).toMatchObject({ data: { onTime: false } });
  });

  it('a decision without a fine is executed on service', () => {
    expect(
      stateOf(
        history(
          ...noticed({ kinds: ['warning'] }),
          cmd.statement(t('2025-03-11 09:00')),
          cmd.decide(t('2025-03-12 10:00'), { kinds: ['warning'] }),
          cmd.serve(t('2025-03-13 10:00')),
        ),
      ).status,
    ).toBe('executed');
  });
});

describe('payment and the late surcharge (Art 67, Art 72)', () => {
  it('on time: the fine; 10 started days late: +30 %; the surcharge never exceeds the fine', () => {
    expect(history(...served(), cmd.pay(t('2025-03-28 23:00'), 300_000)).at(-1)).toMatchObject({
      data: { fineFen: 300_000, surchargeFen: 0 },
    });
    expect(history(...served(), cmd.pay(t('2025-04-07 10:00'), 390_000)).at(-1)).toMatchObject({ data: { surchargeFen: 90_000 } });
    expect(history(...served(), cmd.pay(t('2025-07-01 10:00'), 600_000)).at(-1)).toMatchObject({ data: { surchargeFen: 300_000 } });
  });

  it('a wrong amount is refused with the amount due', () => {
    spec
      .given(history(...served()))
      .when(cmd.pay(t('2025-04-07 10:00'), 300_000))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/3900.00 元/));
  });

  it('surcharge arithmetic: started days, cap, no surcharge on time', () => {
    const deadline = Date.parse(t('2025-03-29 00:00'));
    expect(surchargeFen(20_100, deadline, deadline, 3)).toBe(0);
    expect(surchargeFen(20_100, deadline, deadline + 1, 3)).toBe(603);
    expect(surchargeFen(20_100, deadline, deadline + 34 * 86_400_000, 3)).toBe(20_100);
  });

  it('months count to the same day, or the month’s last (31 Aug + 6 months → end of 28 Feb)', () => {
    expect(new Date(endOfDayMonthsAfter(Date.parse(t('2025-08-31 10:00')), 6)).toISOString()).toBe(t('2026-03-01 00:00'));
  });
});

describe('demand (催告) and court enforcement (非诉执行), 行政强制法 Art 53/54', () => {
  it('no demand before the appeal periods lapse (the day before: refused)', () => {
    spec
      .given(history(...served()))
      .when(cmd.demand(t('2025-09-13 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 53/));
    expect(history(...demanded()).at(-1)).toMatchObject({
      // Mon 15 Sept + 10 working days (Art 69) ends with the office hours of Sun 28 Sept, the
      // National Day make-up working day.
      data: { fineFen: 300_000, surchargeFen: 300_000, courtApplicationEarliest: t('2025-09-28 18:00') },
    });
  });

  it('the court is asked once the demand’s 10 working days have run out, and within 3 months of the lapse', () => {
    // Ten calendar days (Fri 26 Sept) are not enough: the period counts working days (Art 69).
    for (const early of ['2025-09-26 09:00', '2025-09-28 17:59', '2025-09-28 18:00'])
      spec
        .given(history(...demanded()))
        .when(cmd.court(t(early)))
        .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/10 working days run until.*Art 54, Art 69/));
    expect(stateOf(history(...demanded(), cmd.court(t('2025-09-29 09:00')))).status).toBe('court_applied');
    spec
      .given(history(...demanded()))
      .when(cmd.court(t('2025-12-14 09:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 53/));
  });

  it('the ruling is recorded, then the case closes (after publication) and is archived', () => {
    const ruled = [
      ...demanded(),
      cmd.court(t('2025-09-29 09:00')),
      cmd.raw('RecordCourtRuling', people.officer, { ruling: 'enforce', note: '裁定准予执行', at: t('2025-10-20 10:00') }),
    ];
    spec
      .given(history(...ruled))
      .when(cmd.close(t('2025-10-21 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/双公示/));
    // The same procedure with the publication in its place (after service, before the demand).
    const publishedThenRuled = [...served(), cmd.publish(t('2025-03-14 10:00')), ...ruled.slice(served().length)];
    expect(stateOf(history(...publishedThenRuled, cmd.close(t('2025-10-21 10:00')))).status).toBe('closed');
    expect(
      stateOf(
        history(
          ...publishedThenRuled,
          cmd.close(t('2025-10-21 10:00')),
          cmd.raw('ArchiveCase', people.officer, { at: t('2025-10-22 10:00') }),
        ),
      ).status,
    ).toBe('archived');
  });
});

describe('publication (双公示) and withdrawal (Art 48)', () => {
  it('published with the person’s name and id masked; on time within 7 working days', () => {
    expect(history(...decided(), cmd.publish(t('2025-03-21 17:00'))).at(-1)).toMatchObject({
      data: { publicName: '王**', publicId: '4108**********1234', penaltySummary: '罚款 3000.00 元', onTime: true },
    });
    expect(history(...decided(), cmd.publish(t('2025-03-24 09:00'))).at(-1)).toMatchObject({ data: { onTime: false } });
    spec
      .given(history(...decided(), cmd.publish(t('2025-03-14 10:00'))))
      .when(cmd.publish(t('2025-03-15 10:00')))
      .thenThrows(IllegalStateError);
  });

  it('a revoked published decision is withdrawn within 3 working days (over Qingming); only the bureau head revokes', () => {
    const published = [...served(), cmd.publish(t('2025-03-14 10:00'))];
    spec
      .given(history(...published))
      .when(cmd.as(people.leader, cmd.revoke(t('2025-04-01 10:00'))))
      .thenThrows(ForbiddenError);
    expect(history(...published, cmd.revoke(t('2025-04-01 10:00'))).at(-1)).toMatchObject({
      data: { withdrawalDeadline: t('2025-04-07 18:00') },
    });
    const revoked = [...published, cmd.revoke(t('2025-04-01 10:00'))];
    spec
      .given(history(...revoked))
      .when(cmd.close(t('2025-04-02 10:00')))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/Art 48/));
    expect(history(...revoked, cmd.withdraw(t('2025-04-03 10:00'))).at(-1)).toMatchObject({ data: { onTime: true } });
    expect(stateOf(history(...revoked, cmd.withdraw(t('2025-04-08 10:00')), cmd.close(t('2025-04-08 11:00')))).status).toBe('closed');
  });

  it('a decision revoked before publication needs no withdrawal and is never published', () => {
    const revoked = [...decided(), cmd.revoke(t('2025-03-13 10:00'))];
    expect(history(...revoked).at(-1)).toMatchObject({ data: { withdrawalDeadline: null } });
    spec
      .given(history(...revoked))
      .when(cmd.publish(t('2025-03-14 10:00')))
      .thenThrows(IllegalStateError);
  });
});
