import { shippedCityConfig } from '../../domain';
import { emptySeason } from './company-season';
import { eventTimeMs, rankCompanies, weekOf, type CompanyWeekDoc } from './company-week';

const city = shippedCityConfig('jiaozuo');
const [a, b, c] = city.companies.map((x) => x.id);
const week = (companyId: string, over: Partial<CompanyWeekDoc>): [string, CompanyWeekDoc] => [
  companyId,
  { ...emptySeason('week:2026-11-30', companyId), week: '2026-11-30', pointsWithFinding: [], ...over },
];

describe('the weekly company ranking (供热企业周排名)', () => {
  it('weeks run Monday 00:00 to Monday 00:00 Shanghai time', () => {
    expect(weekOf(Date.parse('2026-12-06T23:59:59+08:00'))).toBe('2026-11-30');
    expect(weekOf(Date.parse('2026-12-07T00:00:00+08:00'))).toBe('2026-12-07');
  });
  it('an event counts in the week it happened (its own time field), not when it was stored', () => {
    expect(eventTimeMs({ type: 'heating.complaint.acknowledged.v1', data: { acknowledgedAt: '2026-12-01T01:00:00Z' } } as never)).toBe(
      Date.parse('2026-12-01T01:00:00Z'),
    );
  });
  it('fewest complaints per 10,000 households first; ties by measured on time; change against the week before', () => {
    const now = new Map([
      week(a!, { complaints: 9, measured: 9, measuredOnTime: 9 }),
      week(b!, { complaints: 1, measured: 1, measuredOnTime: 0, pointsWithFinding: ['x', 'y'] }),
    ]);
    const before = new Map([week(a!, { complaints: 0 }), week(b!, { complaints: 5 }), week(c!, { complaints: 5 })]);
    const rows = rankCompanies(city, now, before);
    const n = city.companies.length;
    expect(rows.slice(n - 2).map((r) => r.companyId)).toEqual([b, a]); // the companies without complaints come first
    const [first, second, third] = [rows[0], rows[n - 2], rows[n - 1]];
    expect(first).toMatchObject({ rank: 1, complaints: 0, measuredOnTimePercent: 100 });
    expect(second).toMatchObject({ rank: n - 1, complaints: 1, measuredOnTimePercent: 0 });
    expect(second!.pointsCompliantPercent).toBeLessThan(100);
    expect(third!.complaintsPer10k).toBe(Math.round((9 * 1_000_000) / third!.households) / 100);
    const wasRank = new Map(rankCompanies(city, before, null).map((r) => [r.companyId, r.rank]));
    for (const r of rows) expect(r.change).toBe(wasRank.get(r.companyId)! - r.rank);
    expect(rankCompanies(city, now, null).every((r) => r.change === null)).toBe(true);
  });
});
