import { ValidationError } from '@yiwang/kernel-core';
import { type CaseEvent } from '../case/case-events';
import {
  CASE_ID,
  UNIT,
  closed,
  dispatched,
  extensionRequested,
  handled,
  opened,
  returnApproved,
  returnRequested,
  signed,
  suspensionApproved,
  suspensionRequested,
  t,
  verifiedPassed,
} from '../case/case-fixtures';
import { aggregateCounters, caseCounters, openedWithin, type CounterRow } from './case-counters';
import { evaluateRows, parseIndicatorConfig, shippedIndicatorConfig, tallyRow } from './indicator-formulas';
import { buildRankingTable, formatRate, type RankedIndicator, type RankingInput } from './ranking';

const END = t('18:00');
const failed: CaseEvent[] = [
  {
    type: 'dispatch.case.verified.v1',
    data: { caseId: CASE_ID, inspector: 'i', outcome: 'failed', notes: 'x', photoRefs: [], verifiedAt: t('14:00') },
  },
  {
    type: 'dispatch.case.rework_ordered.v1',
    data: { caseId: CASE_ID, unitId: UNIT, reason: 'x', deadline: t('16:00'), reworkCount: 1, orderedAt: t('14:00') },
  },
];
const extended: CaseEvent = {
  type: 'dispatch.case.extension_approved.v1',
  data: { caseId: CASE_ID, unitId: UNIT, previousDeadline: t('14:30'), newDeadline: t('17:00'), note: '', decidedAt: t('11:30') },
};

describe('caseCounters', () => {
  it('a case closed on time after one rework', () => {
    const row = caseCounters(
      [opened, dispatched(), signed, handled(t('13:00')), ...failed, handled(t('15:00'), t('16:00')), verifiedPassed, closed],
      END,
    );
    expect(row).toMatchObject({ unitId: UNIT, district: '解放区', category: 'event.01.02' });
    expect(row?.counters).toMatchObject({
      dispatched: 1,
      due: 1,
      handled: 1,
      handledOnTime: 1,
      verified: 1,
      reworked: 1,
      closed: 1,
      closedOnTime: 1,
      extended: 0,
    });
  });
  it('an open case is due only once its deadline has passed', () => {
    expect(caseCounters([opened, dispatched(), signed], t('14:00'))?.counters.due).toBe(0);
    expect(caseCounters([opened, dispatched(), signed], t('14:30'))?.counters.due).toBe(1);
  });
  it('a suspended case past its deadline is due and suspended; an extended one counts as extended', () => {
    expect(caseCounters([opened, dispatched(), signed, suspensionRequested, suspensionApproved], END)?.counters).toMatchObject({
      due: 1,
      suspended: 1,
    });
    expect(caseCounters([opened, dispatched(), signed, extensionRequested, extended], t('16:00'))?.counters).toMatchObject({
      due: 0,
      extended: 1,
    });
  });
  it('a case back at the centre after a return counts for the unit that returned it, not due', () => {
    expect(caseCounters([opened, dispatched(), returnRequested, returnApproved], END)).toMatchObject({
      unitId: UNIT,
      counters: { due: 0, returned: 1 },
    });
  });
  it('replaying the same events gives the same row', () => {
    const events = [opened, dispatched(), signed, handled(), verifiedPassed, closed];
    expect(caseCounters(events, END)).toEqual(caseCounters(events, END));
    expect(caseCounters([], END)).toBeNull();
  });
});

describe('indicator formulas as configuration', () => {
  const config = shippedIndicatorConfig();
  // n cases with these counters at the period's end.
  const cases = (n: number, counters: Record<string, number>) => Array.from({ length: n }, () => counters);
  it('ships the seven indicators of the brief, each with its population stated', () => {
    expect([...config.values()].map((d) => d.name.zh)).toEqual([
      '立案率',
      '按期处置率',
      '核查率',
      '结案率',
      '按期结案率',
      '返工率',
      '延期率',
    ]);
    for (const def of config.values()) expect(def.population.zh.length * def.population.en.length).toBeGreaterThan(0);
  });
  it('counts cases: 按期结案率 = due, not suspended, closed on time / due, not suspended', () => {
    const rows = [
      ...cases(72, { dispatched: 1, due: 1, handled: 1, handledOnTime: 1, verified: 1, closed: 1, closedOnTime: 1 }),
      ...cases(4, { dispatched: 1, due: 1, handled: 1, verified: 1, reworked: 1, closed: 1 }),
      ...cases(4, { dispatched: 1, due: 1 }),
      ...cases(10, { dispatched: 1, due: 1, suspended: 1 }),
      ...cases(10, { dispatched: 1, handled: 1, handledOnTime: 1, extended: 1 }), // handled early, not yet due
    ];
    const v = evaluateRows(config, rows);
    expect(v['onTimeClosureRate']).toEqual({ numerator: 72, denominator: 80, rate: 0.9 });
    expect(v['closureRate']).toMatchObject({ numerator: 76, denominator: 80 });
    // The 10 handled before they were due are outside the population: 72 / 80, not 82 / 80.
    expect(v['onTimeDisposalRate']).toMatchObject({ numerator: 72, denominator: 80 });
    expect(v['reworkRate']).toMatchObject({ numerator: 4, denominator: 76 });
    expect(v['verificationRate']).toMatchObject({ numerator: 76, denominator: 86 });
    expect(v['extensionRate']).toMatchObject({ numerator: 10, denominator: 100 });
  });
  it('nothing in the population gives no rate rather than 0 % or 100 %', () => {
    expect(evaluateRows(config, [])['closureRate']).toEqual({ numerator: 0, denominator: 0, rate: null });
  });
  it('a row adds 1 or 0 to each side, and never to a numerator without its denominator', () => {
    const t = tallyRow(config, { dispatched: 1, handled: 1, handledOnTime: 1 });
    expect(t).toMatchObject({
      'onTimeDisposalRate.numerator': 0,
      'onTimeDisposalRate.denominator': 0,
      'verificationRate.denominator': 1,
      'extensionRate.denominator': 1,
    });
  });
  it('a city can redefine a formula in data; a numerator may rely on what its flags imply', () => {
    const c = parseIndicatorConfig({
      indicators: {
        closureRate: {
          name: { zh: '结案率', en: 'Closure rate' },
          population: { zh: '应结', en: 'due' },
          numerator: 'closed',
          denominator: ['due'],
        },
      },
    });
    expect(evaluateRows(c, [...cases(9, { due: 1, closed: 1 }), { due: 1, suspended: 1 }])['closureRate']?.rate).toBeCloseTo(0.9);
  });
  it('refuses a numerator that could count rows outside its denominator (the rate could pass 100 %)', () => {
    const population = { zh: 'x', en: 'x' };
    const broken = { indicators: { onTimeDisposalRate: { population, numerator: ['handledOnTime'], denominator: ['due', '-suspended'] } } };
    expect(() => parseIndicatorConfig(broken)).toThrow(
      /onTimeDisposalRate: the numerator's population is not within the denominator's \(it does not guarantee due, -suspended\)/,
    );
    expect(() =>
      parseIndicatorConfig({ indicators: { x: { population, numerator: ['closed'], denominator: ['due', '-closed'] } } }),
    ).toThrow(ValidationError);
    expect(() =>
      parseIndicatorConfig({ indicators: { x: { population, numerator: ['due', 'suspended'], denominator: ['due', '-suspended'] } } }),
    ).toThrow(ValidationError);
    expect(() => parseIndicatorConfig({ indicators: { x: { population, numerator: ['suspended'], denominator: ['-due'] } } })).toThrow(
      ValidationError,
    );
  });
  it('refuses unknown counters, bad directions and a missing population rule', () => {
    const population = { zh: 'x', en: 'x' };
    expect(() => parseIndicatorConfig({ indicators: { x: { population, numerator: ['closd'], denominator: ['due'] } } })).toThrow(
      ValidationError,
    );
    expect(() => parseIndicatorConfig({ indicators: { x: { population, numerator: ['closed'], denominator: [] } } })).toThrow(
      ValidationError,
    );
    expect(() =>
      parseIndicatorConfig({ indicators: { x: { population, numerator: ['closed'], denominator: ['due'], better: 'more' } } }),
    ).toThrow(ValidationError);
    expect(() => parseIndicatorConfig({ indicators: { x: { numerator: ['closed'], denominator: ['due'] } } })).toThrow(
      /must state its population rule/,
    );
  });
  it('aggregates rows per unit and period', () => {
    const rows: CounterRow[] = [
      { caseId: 'a', unitId: 'u1', district: 'd', category: 'c', openedAt: t('10:00'), counters: { due: 1, closed: 1 } },
      { caseId: 'b', unitId: 'u1', district: 'd', category: 'c', openedAt: t('11:00'), counters: { due: 1, closed: 0 } },
      { caseId: 'c', unitId: 'u2', district: 'd', category: 'c', openedAt: t('10:00', '2025-03-10'), counters: { due: 1, closed: 1 } },
    ];
    const week = aggregateCounters(rows, (r) => r.unitId, openedWithin(t('00:00'), t('00:00', '2025-03-10')));
    expect([...week]).toEqual([['u1', { due: 2, closed: 1 }]]);
  });
});

describe('ranking table (as seed 002: 金属软管 installation rate, 2022-11-07)', () => {
  const rate: RankedIndicator = { id: 'installRate', name: { zh: '安装率', en: 'Installation rate' }, better: 'higher' };
  // [county, households, installed, new this week]
  const seed: [string, number, number, number][] = [
    ['沁阳市', 87326, 87237, 895],
    ['孟州市', 80147, 47995, 85],
    ['温县', 71840, 63625, 0],
    ['博爱县', 37743, 37743, 0],
    ['武陟县', 69280, 62518, 0],
    ['修武县', 32422, 31804, 32],
    ['解放区', 137000, 68460, 2760],
    ['山阳区', 129327, 36778, 0],
    ['马村区', 20229, 8458, 0],
    ['中站区', 27656, 27450, 0],
    ['示范区', 28500, 28500, 0],
  ];
  const current: RankingInput[] = seed.map(([name, households, installed]) => ({
    key: name,
    name,
    tally: { numerator: installed, denominator: households },
  }));
  const previous: RankingInput[] = seed.map(([name, households, installed, added]) => ({
    key: name,
    name,
    tally: { numerator: installed - added, denominator: households },
  }));
  const table = buildRankingTable(rate, current, previous);
  const byName = new Map(table.rows.map((r) => [r.name, r]));

  it('reproduces the published ranks, ties sharing first place (1, 1, 3 …)', () => {
    const published: Record<string, number> = {
      沁阳市: 3,
      孟州市: 8,
      温县: 7,
      博爱县: 1,
      武陟县: 6,
      修武县: 5,
      解放区: 9,
      山阳区: 11,
      马村区: 10,
      中站区: 4,
      示范区: 1,
    };
    for (const [name, rank] of Object.entries(published)) expect(byName.get(name)?.rank).toBe(rank);
    expect(table.rows.map((r) => r.rank)).toEqual([1, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
  it('prints rates and the total as the table does', () => {
    expect(formatRate(byName.get('沁阳市')!.rate)).toBe('99.90%');
    expect(formatRate(byName.get('解放区')!.rate)).toBe('49.97%');
    expect(formatRate(table.total.rate)).toBe('69.38%');
    expect(table.total).toMatchObject({ numerator: 500568, denominator: 721470 });
  });
  it('shows the change since last week', () => {
    const jiefang = byName.get('解放区')!;
    expect(jiefang.change! * 100).toBeCloseTo((2760 / 137000) * 100, 6);
    expect(byName.get('温县')!.change).toBe(0);
    expect(jiefang.previousRank).toBe(9);
  });
  it('lower-is-better indicators rank the smallest first; rows without a rate come last, unranked', () => {
    const rework: RankedIndicator = { ...rate, better: 'lower' };
    const t2 = buildRankingTable(rework, [
      { key: 'a', name: 'A', tally: { numerator: 1, denominator: 10 } },
      { key: 'b', name: 'B', tally: { numerator: 0, denominator: 10 } },
      { key: 'c', name: 'C', tally: { numerator: 0, denominator: 0 } },
    ]);
    expect(t2.rows.map((r) => [r.key, r.rank])).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', null],
    ]);
    expect(t2.rows[0]?.change).toBeNull();
  });
  it('a total given by the caller (the whole period) is the total of the table, not the sum of its rows', () => {
    const t3 = buildRankingTable(rate, [{ key: 'a', name: 'A', tally: { numerator: 0, denominator: 0 } }], [], {
      total: { numerator: 40, denominator: 43 },
    });
    expect(t3.total).toMatchObject({ numerator: 40, denominator: 43 });
  });
});
