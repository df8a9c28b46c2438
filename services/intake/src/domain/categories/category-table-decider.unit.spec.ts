import { deciderSpec, fold, ForbiddenError, ValidationError } from '@yiwang/kernel-core';
import { categoryTableDecider, type CategoryTableEvent, type ReviseCategoryTable } from './category-table-decider';
import { type Category } from './category';
import shipped from '../../../data/categories.json';
import { type Actor } from '../shared/values';

const spec = deciderSpec(categoryTableDecider);
const admin: Actor = { subject: 'admin.zhou', department: 'bureau.it', roles: ['admin.categories'] };
const at = '2025-03-01T09:00:00+08:00';
const revise = (table: unknown, actor = admin): ReviseCategoryTable => ({
  type: 'ReviseCategoryTable',
  actor,
  data: { table, reason: '年度修订', at },
});
const first = categoryTableDecider.decide(revise(shipped), categoryTableDecider.initialState());

describe('CategoryTableRevised', () => {
  it('the first revision adds everything', () => {
    expect(first).toHaveLength(1);
    const e = first[0]!;
    expect(e.data.revision).toBe(1);
    expect(e.data.diff.categories.added).toHaveLength(shipped.categories.length);
    expect(e.data.diff.majors.added).toHaveLength(shipped.majors.length);
    expect(e.data.diff.categories.removed).toEqual([]);
  });

  it('a later revision records only the diff: a changed deadline, an added and a removed class', () => {
    const edited = {
      ...shipped,
      version: '2025.2',
      categories: [
        ...shipped.categories
          .filter((c) => !(c.family === 'event' && c.major === '01' && c.minor === '10'))
          .map((c) =>
            c.family === 'event' && c.major === '01' && c.minor === '02' ? { ...c, deadline: { amount: 2, unit: 'working_hours' } } : c,
          ),
        {
          family: 'event',
          major: '05',
          minor: '08',
          name: { zh: '违规设置充电桩', en: 'Unauthorised charging point' },
          deadline: { amount: 1, unit: 'working_days' },
          urgency: 'normal',
          unitType: 'enforcement',
        },
      ],
    };
    const events = categoryTableDecider.decide(revise(edited), fold(categoryTableDecider, categoryTableDecider.initialState(), first));
    expect(events).toHaveLength(1);
    const { diff, revision, version } = events[0]!.data;
    expect({ revision, version }).toEqual({ revision: 2, version: '2025.2' });
    expect(diff.categories.added.map((c: Category) => c.code)).toEqual(['event.05.08']);
    expect(diff.categories.removed).toEqual(['event.01.10']);
    expect(diff.categories.changed).toHaveLength(1);
    expect(diff.categories.changed[0]).toMatchObject({
      before: { deadline: { amount: 4 } },
      after: { code: 'event.01.02', deadline: { amount: 2 } },
    });
    expect(diff.majors).toEqual({ added: [], changed: [], removed: [] });

    const state = fold(categoryTableDecider, categoryTableDecider.initialState(), [...first, ...events] as CategoryTableEvent[]);
    expect(state.status === 'active' && state.categories['event.01.02']?.deadline).toEqual({ amount: 2, unit: 'working_hours' });
    expect(state.status === 'active' && 'event.01.10' in state.categories).toBe(false);
    expect(state.status === 'active' && state.revision).toBe(2);
  });

  it('the same table again records nothing', () => {
    spec.given(first).when(revise(shipped)).then([]);
  });

  it('an invalid table is refused, nothing recorded', () => {
    spec
      .given(first)
      .when(revise({ ...shipped, categories: [{ family: 'event', major: '77', minor: '01' }] }))
      .thenThrows(ValidationError);
  });

  it('needs the category administrator role', () => {
    spec
      .given([])
      .when(revise(shipped, { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] }))
      .thenThrows(ForbiddenError);
  });

  it('needs a reason', () => {
    spec
      .given([])
      .when({ ...revise(shipped), data: { table: shipped, reason: '', at } })
      .thenThrows(ValidationError);
  });
});
