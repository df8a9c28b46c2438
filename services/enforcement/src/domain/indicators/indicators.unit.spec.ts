import { emptyTally, periodsOf, previousPeriod, rankIndicators, tallyDelta, type TallyRow } from './indicators';
import { cmd, history, noticed, stateOf, t } from '../case/procedure.fixtures';
import { type EnforcementCase } from '../case/state';

const row = (key: string, over: Partial<TallyRow>): TallyRow => ({ ...emptyTally(), key, ...over });

describe('indicator periods (Asia/Shanghai)', () => {
  it('month and ISO week of an instant, in local time', () => {
    expect(periodsOf(t('2026-12-01 00:30'))).toEqual({ month: '2026-12', week: '2026-W49' });
    expect(periodsOf('2026-11-30T16:30:00.000Z')).toEqual({ month: '2026-12', week: '2026-W49' });
    // 1 January 2027 is a Friday: it belongs to the last ISO week of 2026.
    expect(periodsOf(t('2027-01-01 10:00')).week).toBe('2026-W53');
  });

  it('the previous month and week, across years', () => {
    expect(previousPeriod('2026-12')).toBe('2026-11');
    expect(previousPeriod('2027-01')).toBe('2026-12');
    expect(previousPeriod('2026-W49')).toBe('2026-W48');
    expect(previousPeriod('2027-W01')).toBe('2026-W53');
    expect(() => previousPeriod('2026-13')).toThrow(/month .* or an ISO week/);
  });
});

describe('what each event adds', () => {
  it('a decision counts as decided, on time, with its days from filing and its fine', () => {
    const events = history(...noticed(), cmd.statement(t('2025-03-11 09:00')), cmd.decide(t('2025-03-12 10:00')));
    const s = stateOf(events) as EnforcementCase;
    expect(tallyDelta(events.at(-1)!, s)).toEqual({
      at: t('2025-03-12 10:00'),
      delta: { decided: 1, decidedOnTime: 1, daysToDecision: 7, finesDecidedFen: 300_000 },
    });
    expect(tallyDelta(events[0]!, s)).toEqual({ at: t('2025-03-03 09:00'), delta: { sources: 1 } });
    expect(tallyDelta(events[1]!, s)).toBeNull();
  });
});

describe('the ranking table (排名表)', () => {
  it('ranks by the chosen rate, ties share a rank, rows without a rate last, with the change against the previous period', () => {
    const now = [
      row('squad.a', { finesDecidedFen: 1000, finesCollectedFen: 500 }),
      row('squad.b', { finesDecidedFen: 1000, finesCollectedFen: 900 }),
      row('squad.c', { finesDecidedFen: 2000, finesCollectedFen: 1000 }),
      row('squad.d', {}),
    ];
    const before = [
      row('squad.a', { finesDecidedFen: 1000, finesCollectedFen: 1000 }),
      row('squad.b', { finesDecidedFen: 10, finesCollectedFen: 1 }),
    ];
    const table = rankIndicators(now, before, 'collection_rate');
    expect(table.map((r) => [r.key, r.rank, r.previousRank])).toEqual([
      ['squad.b', 1, 2],
      ['squad.a', 2, 1],
      ['squad.c', 2, null],
      ['squad.d', null, null],
    ]);
    expect(table[1]!.change).toBeCloseTo(-0.5);
    expect(table[2]!.change).toBeNull();
  });

  it('the average days to decision leave on-the-spot decisions out', () => {
    const [r] = rankIndicators([row('s', { decided: 3, onTheSpot: 1, daysToDecision: 20, decidedOnTime: 3 })], [], 'decided_on_time_rate');
    expect(r).toMatchObject({ averageDaysToDecision: 10, rate: 1, rank: 1 });
  });
});
