import { ValidationError } from '@yiwang/kernel-core';
import { parseCategoryTable, shippedCategoryTable } from '../domain';
import { applyPatch, currentTable, fixedCategories, tableToJson } from './category-catalogue';

const shipped = shippedCategoryTable();
const charging = {
  family: 'event',
  major: '05',
  minor: '08',
  name: { zh: '违规设置充电桩', en: 'Unauthorised charging point' },
  deadline: { amount: 1, unit: 'working_days' },
  urgency: 'normal',
  unitType: 'enforcement',
};
const failure = (f: () => unknown): ValidationError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
};

describe('applyPatch', () => {
  it('the shipped table round-trips through JSON unchanged', () => {
    expect(tableToJson(parseCategoryTable(tableToJson(shipped)))).toEqual(tableToJson(shipped));
  });

  it('adds, changes and removes by code', () => {
    const next = parseCategoryTable(
      applyPatch(shipped, {
        reason: 'r',
        version: '2025.2',
        categories: { added: [charging], removed: ['event.01.10'], changed: [{ ...tableToJson(shipped).categories[0]!, urgency: 'low' }] },
      }),
    );
    expect(next.version).toBe('2025.2');
    expect(next.categories.has('event.05.08' as never)).toBe(true);
    expect(next.categories.has('event.01.10' as never)).toBe(false);
    expect(next.categories.size).toBe(shipped.categories.size);
  });

  it.each([
    ['an undeclared major', { added: [{ ...charging, major: '77' }] }, 'event.77.08'],
    ['an unknown urgency', { added: [{ ...charging, urgency: 'asap' }] }, 'event.05.08'],
    ['adding an existing code', { added: [{ ...charging, minor: '01' }] }, 'event.05.01'],
    ['changing an unknown code', { changed: [charging] }, 'event.05.08'],
    ['removing an unknown code', { removed: ['event.05.42'] }, 'event.05.42'],
    ['a code twice', { added: [charging], removed: ['event.05.08'] }, 'event.05.08'],
  ])('refuses %s, naming the code', (_name, categories, code) => {
    expect(failure(() => applyPatch(shipped, { reason: 'r', categories })).message).toContain(code);
  });

  it('refuses removing a major that still has categories', () => {
    expect(failure(() => applyPatch(shipped, { reason: 'r', majors: { removed: ['event.05'] } })).message).toContain('event.05');
  });
});

it('a fixed table is a source too', () => {
  expect(currentTable(fixedCategories(shipped))).toBe(shipped);
  expect(currentTable(shipped)).toBe(shipped);
});
