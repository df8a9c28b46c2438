import shipped from '../../../data/assessment.json';
import { addCounters, dayContribution, facilityTotals, inspectionContribution, zeroCounters, type FacilityKey } from './counters';
import { assessmentConfigFrom, rankingTable, scoreOf, shippedAssessmentConfig } from './scoring';

const config = shippedAssessmentConfig();
const key = (facilityId: string, contractor: string, district = '解放区'): FacilityKey => ({
  facilityId,
  facilityKind: 'road',
  name: `路${facilityId}`,
  district,
  contractor,
});
const sample = (passed: boolean) => ({ passed });
const fac = (id: string, contractor: string, counters: Partial<ReturnType<typeof zeroCounters>>, district = '解放区') => ({
  ...key(id, contractor, district),
  counters: addCounters(zeroCounters(), counters),
});

describe('score arithmetic (三项考核)', () => {
  it('a clean month scores 100 in every assessment', () =>
    expect(scoreOf(zeroCounters(), config)).toEqual({
      total: 100,
      byAssessment: { appearance: 100, sanitation: 100, facilities: 100 },
      breakdown: [],
    }));
  it('deductions per failed sample, missing run and overdue rectification, weighted 0.3 / 0.5 / 0.2', () => {
    const s = scoreOf(
      addCounters(zeroCounters(), { failedSamples: 2, missingRuns: 3, overdueRectifications: 1, patrolHoursShort: 1.5 }),
      config,
    );
    // sanitation: 100 − 2×2 − 3×1 − 1.5×0.5 = 92.25; appearance: 100 − 3 = 97
    expect(s.byAssessment).toEqual({ appearance: 97, sanitation: 92.25, facilities: 100 });
    expect(s.total).toBe(Math.round((0.3 * 97 + 0.5 * 92.25 + 0.2 * 100) * 100) / 100);
    expect(s.breakdown).toEqual([
      { counter: 'failedSamples', assessment: 'sanitation', count: 2, points: 4 },
      { counter: 'missingRuns', assessment: 'sanitation', count: 3, points: 3 },
      { counter: 'patrolHoursShort', assessment: 'sanitation', count: 1.5, points: 0.75 },
      { counter: 'overdueRectifications', assessment: 'appearance', count: 1, points: 3 },
    ]);
  });
  it('an assessment never goes below 0', () =>
    expect(scoreOf(addCounters(zeroCounters(), { missingRuns: 500 }), config).byAssessment.sanitation).toBe(0));
  it('the config is checked: weights sum to 1, counters and assessments exist', () => {
    expect(() => assessmentConfigFrom({ ...shipped, assessments: shipped.assessments.map((a) => ({ ...a, weight: 0.5 })) })).toThrow(
      /sum to 1/,
    );
    expect(() => assessmentConfigFrom({ ...shipped, deductions: [{ ...shipped.deductions[0]!, counter: 'smiles' }] })).toThrow(
      /unknown counter/,
    );
    expect(() => assessmentConfigFrom({ ...shipped, deductions: [{ ...shipped.deductions[0]!, assessment: 'beauty' }] })).toThrow(
      /unknown assessment/,
    );
  });
});

describe('contributions', () => {
  it('an inspection counts its samples, failures and an overdue rectification', () => {
    expect(
      inspectionContribution(key('A', 'c.a'), { passed: false, samples: [sample(true), sample(false), sample(true)] }, true).counters,
    ).toMatchObject({
      inspections: 1,
      failedInspections: 1,
      samples: 3,
      failedSamples: 1,
      overdueRectifications: 1,
      failedToiletInspections: 0,
    });
  });
  it('a toilet failure counts as a failed toilet inspection', () =>
    expect(
      inspectionContribution({ ...key('T', 'c.a'), facilityKind: 'toilet' }, { passed: false, samples: [] }, false).counters,
    ).toMatchObject({ failedToiletInspections: 1, samples: 0 }));
  it('sums per facility; 720 samples with 29 failures over 240 inspections', () => {
    const contributions = Array.from({ length: 240 }, (_, i) =>
      inspectionContribution(key(`R${i % 118}`, 'c.a'), { passed: i >= 29, samples: [sample(i >= 29), sample(true), sample(true)] }, false),
    );
    const totals = [...facilityTotals(contributions).values()];
    expect(totals).toHaveLength(118);
    expect(totals.reduce((a, f) => a + f.counters.samples, 0)).toBe(720);
    expect(totals.reduce((a, f) => a + f.counters.samples - f.counters.failedSamples, 0)).toBe(691);
  });
  it('a closed day counts missing runs', () =>
    expect(
      dayContribution(key('A', 'c.a'), { runsRequired: 3, runsDone: 1, missingRuns: 2, patrolHoursShort: 0, tonnes: 0 }).counters,
    ).toMatchObject({ daysClosed: 1, missingRuns: 2 }));
});

describe('rankings with change against the previous period', () => {
  const march = [
    fac('A', 'c.a', { failedSamples: 1 }),
    fac('B', 'c.b', {}),
    fac('C', 'c.b', { failedSamples: 1 }, '山阳区'),
    fac('D', 'c.c', { missingRuns: 2 }, '山阳区'),
  ];
  const february = [fac('A', 'c.a', {}), fac('B', 'c.b', { missingRuns: 10 }), fac('D', 'c.c', {}, '山阳区')];
  it('per contractor: the mean of its facilities, ranked, with score and rank change', () => {
    const t = rankingTable(march, february, 'contractor', config);
    expect(t.map((r) => [r.key, r.score, r.rank, r.facilities])).toEqual([
      ['c.b', 99.5, 1, 2],
      ['c.a', 99, 2, 1],
      ['c.c', 99, 2, 1],
    ]);
    expect(t[0]).toMatchObject({ previousScore: 95, previousRank: 3, scoreChange: 4.5, rankChange: 2 });
    expect(t[1]).toMatchObject({ previousRank: 1, rankChange: -1, scoreChange: -1 });
  });
  it('equal scores share a place (1, 2, 2)', () =>
    expect(rankingTable(march, [], 'facility', config).map((r) => r.rank)).toEqual([1, 2, 2, 2]));
  it('new rows have no change', () =>
    expect(rankingTable(march, [], 'district', config).every((r) => r.scoreChange === null && r.previousRank === null)).toBe(true));
  it('per district, with the deductions behind the score', () => {
    const t = rankingTable(march, february, 'district', config);
    expect(t.find((r) => r.key === '山阳区')).toMatchObject({
      facilities: 2,
      samples: 0,
      failedSamples: 1,
      breakdown: [
        { counter: 'failedSamples', count: 1, points: 2 },
        { counter: 'missingRuns', count: 2, points: 2 },
      ],
    });
  });
});
