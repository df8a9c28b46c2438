import { ValidationError } from '@yiwang/kernel-core';
import { BEIJING_RULE, HARBIN_RULE, refundCents, refundPercent, refundRule, substandardDays } from './refund-rules';
import { cityConfig, householdOf, inSeason, pointOf, shippedCityConfig, termsFor } from './index';
import { type HouseholdId, type PointId } from '../shared/values';

const STD = 180;

describe('Beijing 北京: by degrees below 18 ℃', () => {
  it.each([
    [180, 0, '18.0 meets the standard'],
    [179, 10, '17.9: 0.1 below'],
    [160, 10, '16.0: exactly 2 below'],
    [159, 50, '15.9: 2.1 below'],
    [120, 50, '12.0: exactly 6 below'],
    [119, 100, '11.9: 6.1 below'],
    [50, 100, '5.0'],
  ])('%i tenths → %i %% (%s)', (reading, percent) => {
    expect(refundPercent(BEIJING_RULE, STD, reading)).toBe(percent);
  });
});

describe('Harbin 哈尔滨: by band', () => {
  it.each([
    [180, 0, '18.0 meets the standard'],
    [179, 30, '17.9 in 16–18'],
    [160, 30, '16.0 in 16–18'],
    [159, 50, '15.9 in 14–16'],
    [140, 50, '14.0 in 14–16'],
    [139, 100, '13.9 below 14'],
  ])('%i tenths → %i %% (%s)', (reading, percent) => {
    expect(refundPercent(HARBIN_RULE, STD, reading)).toBe(percent);
  });
});

describe('refund arithmetic in integer cents', () => {
  it('daily fee × heated area × days × ratio', () => {
    // 0.18 yuan/m²/day × 92.5 m² × 3 days × 50 % = 24.975 yuan → 2498 cents (half up once, at the end)
    expect(refundCents(18, 9250, 3, 50)).toBe(2498);
    // 0.24 × 80 m² × 10 days × 100 % = 192 yuan
    expect(refundCents(24, 8000, 10, 100)).toBe(19200);
    expect(refundCents(18, 9250, 3, 0)).toBe(0);
    // 0.18 × 86.4 × 1 × 10 % = 1.5552 yuan → 156 cents
    expect(refundCents(18, 8640, 1, 10)).toBe(156);
  });
  it('sub-standard days: each started 24 h is a day, at least one', () => {
    const h = 3_600_000;
    expect(substandardDays(0, 2 * h)).toBe(1);
    expect(substandardDays(0, 24 * h)).toBe(1);
    expect(substandardDays(0, 24 * h + 1)).toBe(2);
    expect(substandardDays(0, 0)).toBe(1);
    expect(substandardDays(0, 72 * h)).toBe(3);
  });
  it('rules from configuration are checked', () => {
    expect(() =>
      refundRule({
        kind: 'band',
        name: 'x',
        bands: [
          { fromDeci: 140, percent: 50 },
          { fromDeci: 160, percent: 30 },
        ],
        belowPercent: 100,
      }),
    ).toThrow(ValidationError);
    expect(() => refundRule({ kind: 'degrees_below', name: 'x', tiers: [{ upToDeci: 20, percent: 120 }], beyondPercent: 100 })).toThrow(
      ValidationError,
    );
    expect(() => refundRule({ kind: 'flat' })).toThrow(ValidationError);
    expect(refundRule(HARBIN_RULE)).toBe(HARBIN_RULE);
  });
});

describe('city configuration as data', () => {
  const jz = shippedCityConfig('jiaozuo');
  const hrb = shippedCityConfig('harbin');
  it('ships Jiaozuo with Beijing’s rule and a 24 h measuring limit, Harbin with its own and 10 h', () => {
    expect(jz.refundRule.name).toBe('beijing');
    expect(jz.limits.measure).toEqual({ amount: 24, unit: 'clock_hours' });
    expect(hrb.refundRule.name).toBe('harbin');
    expect(hrb.limits.measure).toEqual({ amount: 10, unit: 'clock_hours' });
    expect(jz.standardDeci).toBe(180);
  });
  it('finds the company of a household from its compound (service area) and its heated area', () => {
    expect(householdOf(jz, 'jz-hongxing:3-2-501' as HouseholdId)).toMatchObject({
      companyId: 'dept.heating.zhongzhou',
      heatedAreaCentiM2: 12000,
    });
    expect(householdOf(jz, 'jz-hongxing:5-1-302' as HouseholdId)).toMatchObject({ heatedAreaCentiM2: 9250 });
    expect(householdOf(jz, 'nowhere:1-1-101' as HouseholdId)).toBeNull();
    expect(termsFor(jz, 9250)).toMatchObject({ standardDeci: 180, dailyFeeCentsPerM2: 18, seasonEndsAt: '2027-03-15T16:00:00.000Z' });
  });
  it('the season runs from its first local day 00:00 to the day after its last', () => {
    expect(inSeason(jz, Date.parse('2026-11-14T23:59:59+08:00'))).toBe(false);
    expect(inSeason(jz, Date.parse('2026-11-15T00:00:00+08:00'))).toBe(true);
    expect(inSeason(jz, Date.parse('2027-03-15T23:59:59+08:00'))).toBe(true);
    expect(inSeason(jz, Date.parse('2027-03-16T00:00:00+08:00'))).toBe(false);
  });
  it('2,000 monitoring points in Jiaozuo, each in a household', () => {
    expect([...jz.compounds.values()].reduce((n, c) => n + c.monitoringPoints, 0)).toBe(2000);
    expect(pointOf(jz, 'jz-hongxing-mp7' as PointId)).toMatchObject({ householdId: 'jz-hongxing:mp-1-7' });
    expect(pointOf(jz, 'jz-hongxing-mp101' as PointId)).toBeNull();
    expect(pointOf(jz, 'unknown-mp1' as PointId)).toBeNull();
  });
  it('refuses a compound served by two companies', () => {
    const raw = {
      city: 'x',
      nameZh: 'x',
      season: { from: '2026-11-15', to: '2027-03-15' },
      standardCelsius: 18,
      limits: { measure: '24 clock_hours', fix: '24 clock_hours' },
      dailyFeeCentsPerM2: 18,
      refundRule: 'beijing',
      excludedCauses: [],
      monitoring: {},
      companies: [
        { id: 'a', nameZh: 'a', compounds: [{ id: 'k', defaultHeatedAreaM2: 1 }] },
        { id: 'b', nameZh: 'b', compounds: [{ id: 'k', defaultHeatedAreaM2: 1 }] },
      ],
    };
    expect(() => cityConfig(raw)).toThrow(/two companies/);
  });
});
