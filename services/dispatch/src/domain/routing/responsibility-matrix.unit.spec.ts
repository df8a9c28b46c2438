import { NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { parseResponsibilityMatrix, route, shippedResponsibilityMatrix } from './responsibility-matrix';
import shipped from '../../../data/responsibility-matrix.json';

const matrix = shippedResponsibilityMatrix();
const unitFor = (category: string, district: string, defaultUnitType: string) => route(matrix, { category, district, defaultUnitType });

describe('route', () => {
  it('by the default unit type to the district unit', () => {
    expect(unitFor('event.01.02', '解放区', 'sanitation')).toMatchObject({ unit: { id: 'dept.sanitation.jiefang' }, via: 'district-unit' });
    expect(unitFor('event.05.03', '马村区', 'enforcement')).toMatchObject({ unit: { id: 'dept.enforcement.macun' }, via: 'district-unit' });
  });
  it('to the city-wide fallback when the district has no unit of that type', () => {
    expect(unitFor('event.04.04', '中站区', 'heating')).toMatchObject({ unit: { id: 'dept.heating.city' }, via: 'fallback' });
  });
  it('an exact-code rule for every district wins over the type', () => {
    expect(unitFor('component.01.10', '山阳区', 'municipal')).toMatchObject({ unit: { id: 'dept.lighting.city' }, via: 'rule' });
  });
  it('a district-specific rule applies only in its district', () => {
    expect(unitFor('event.02.01', '解放区', 'sanitation').unit.id).toBe('dept.street-office.jiefang');
    expect(unitFor('event.02.01', '中站区', 'sanitation').unit.id).toBe('dept.sanitation.zhongzhan');
  });
  it('a major-class rule covers its minor classes, and only those', () => {
    expect(unitFor('event.03.01', '示范区', 'enforcement').unit.id).toBe('dept.enforcement.city');
    expect(unitFor('event.03.01', '解放区', 'enforcement').unit.id).toBe('dept.enforcement.jiefang');
    expect(unitFor('event.30.01', '示范区', 'enforcement').unit.id).toBe('dept.enforcement.shifan');
  });
  it('the most specific rule wins', () => {
    const m = parseResponsibilityMatrix({
      ...shipped,
      rules: [
        { category: 'event', district: '*', unit: 'dept.street-office.city' },
        { category: 'event.01', district: '*', unit: 'dept.sanitation.city' },
        { category: 'event.01', district: '解放区', unit: 'dept.sanitation.jiefang' },
        { category: 'event.01.02', district: '*', unit: 'dept.enforcement.city' },
      ],
    });
    const r = (category: string, district: string) => route(m, { category, district, defaultUnitType: 'gas' }).unit.id;
    expect(r('event.01.02', '解放区')).toBe('dept.enforcement.city');
    expect(r('event.01.03', '解放区')).toBe('dept.sanitation.jiefang');
    expect(r('event.01.03', '山阳区')).toBe('dept.sanitation.city');
    expect(r('event.02.01', '山阳区')).toBe('dept.street-office.city');
    expect(r('component.01.01', '山阳区')).toBe('dept.gas.city');
  });
  it('unknown district, code or unit type is a validation error', () => {
    expect(() => unitFor('event.01.02', '朝阳区', 'sanitation')).toThrow(ValidationError);
    expect(() => unitFor('rubbish', '解放区', 'sanitation')).toThrow(ValidationError);
    expect(() => unitFor('event.01.02', '解放区', 'police')).toThrow(ValidationError);
  });
  it('nobody responsible is not found, with a message saying why', () => {
    const m = parseResponsibilityMatrix({ ...shipped, fallbacks: {} });
    expect(() => route(m, { category: 'event.04.04', district: '中站区', defaultUnitType: 'heating' })).toThrow(NotFoundError);
    expect(() => route(m, { category: 'event.04.04', district: '中站区', defaultUnitType: 'heating' })).toThrow(/no rule, no heating unit/);
  });
});

describe('parseResponsibilityMatrix', () => {
  it('loads the shipped matrix: 5 districts, every unit named in zh and en', () => {
    expect(matrix.districts).toEqual(['解放区', '山阳区', '中站区', '马村区', '示范区']);
    expect(matrix.units.size).toBeGreaterThanOrEqual(25);
    for (const u of matrix.units.values()) expect(u.name.zh && u.name.en).toBeTruthy();
  });
  it.each([
    ['a rule naming an unknown unit', { rules: [{ category: 'event.01', district: '*', unit: 'dept.nobody.city' }] }],
    ['a rule naming an unknown district', { rules: [{ category: 'event.01', district: '朝阳区', unit: 'dept.sanitation.city' }] }],
    ['a malformed category pattern', { rules: [{ category: 'event.1', district: '*', unit: 'dept.sanitation.city' }] }],
    [
      'duplicate rules',
      {
        rules: [
          { category: 'event.01', district: '*', unit: 'dept.sanitation.city' },
          { category: 'event.01', district: '*', unit: 'dept.municipal.city' },
        ],
      },
    ],
    ['a fallback of the wrong type', { fallbacks: { gas: 'dept.water.city' } }],
    ['an unknown unit type', { units: [{ id: 'dept.x.city', name: { zh: 'x', en: 'x' }, type: 'police', district: null }] }],
    [
      'two units of one type in a district',
      {
        units: [
          { id: 'dept.a.jiefang', name: { zh: 'a', en: 'a' }, type: 'gas', district: '解放区' },
          { id: 'dept.b.jiefang', name: { zh: 'b', en: 'b' }, type: 'gas', district: '解放区' },
        ],
        rules: [],
        fallbacks: {},
      },
    ],
  ])('refuses %s', (_name, patch) => {
    expect(() => parseResponsibilityMatrix({ ...shipped, ...patch })).toThrow(ValidationError);
  });
});
