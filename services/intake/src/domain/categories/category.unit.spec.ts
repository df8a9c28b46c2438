import { ValidationError } from '@yiwang/kernel-core';
import { CategoryCode, categoryCode, lookupCategory, majorClassOf, parseCategoryTable, shippedCategoryTable } from './category';
import shipped from '../../../data/categories.json';

const table = shippedCategoryTable();

describe('the shipped category table', () => {
  it('has both families, at least 40 entries, and an "other" (99) class in every major', () => {
    const all = [...table.categories.values()];
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(new Set(all.map((c) => c.family))).toEqual(new Set(['component', 'event']));
    for (const major of table.majors.values()) {
      expect(table.categories.has(categoryCode(major.family, major.major, '99'))).toBe(true);
    }
  });
  it('knows the domain brief’s examples with their deadlines', () => {
    expect(lookupCategory(table, 'event.01.02')).toMatchObject({
      name: { zh: '暴露垃圾' },
      deadline: { amount: 4, unit: 'working_hours' },
      unitType: 'sanitation',
    });
    expect(lookupCategory(table, 'event.01.04')).toMatchObject({
      name: { zh: '道路不洁' },
      deadline: { amount: 2, unit: 'working_hours' },
    });
    expect(lookupCategory(table, 'event.01.01')).toMatchObject({ name: { zh: '私搭乱建' }, unitType: 'enforcement' });
    const cover = lookupCategory(table, 'component.01.06');
    expect(cover).toMatchObject({ name: { zh: '燃气井盖' }, urgency: 'urgent', unitType: 'gas' });
    expect(majorClassOf(table, cover)?.name.zh).toBe('公用设施');
  });
});

describe('codes and lookup', () => {
  it('builds and validates codes', () => {
    expect(categoryCode('event', '01', '02')).toBe('event.01.02');
    expect(() => CategoryCode('event.1.2')).toThrow(ValidationError);
    expect(() => CategoryCode('incident.01.02')).toThrow(ValidationError);
    expect(() => CategoryCode(102)).toThrow(ValidationError);
  });
  it('an unknown code is a validation error on the field', () => {
    try {
      lookupCategory(table, 'event.42.01', 'serviceCode');
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).violations[0]?.field).toBe('serviceCode');
    }
  });
});

describe('parseCategoryTable', () => {
  const entry = shipped.categories[0]!;
  it.each([
    ['a category of an undeclared major', { categories: [{ ...entry, major: '42' }] }],
    ['a duplicate category', { categories: [entry, entry] }],
    ['a missing English name', { categories: [{ ...entry, name: { zh: '上水井盖' } }] }],
    ['a fractional day deadline', { categories: [{ ...entry, deadline: { amount: 1.5, unit: 'working_days' } }] }],
    ['a zero deadline', { categories: [{ ...entry, deadline: { amount: 0, unit: 'working_hours' } }] }],
    ['a deadline in calendar days', { categories: [{ ...entry, deadline: { amount: 1, unit: 'days' } }] }],
    ['an unknown urgency', { categories: [{ ...entry, urgency: 'asap' }] }],
    ['an unknown unit type', { categories: [{ ...entry, unitType: 'police' }] }],
    ['a three-digit major', { majors: [{ family: 'event', major: '001', name: { zh: 'x', en: 'x' } }], categories: [] }],
    ['no lists', { majors: null }],
  ])('refuses %s', (_name, patch) => {
    expect(() => parseCategoryTable({ ...shipped, ...patch })).toThrow(ValidationError);
  });
});
