import { assertNever, type Decider, type DomainEvent } from '@yiwang/kernel-core';
import { type Actor, type Instant, Instant as instant, IntakeRoles, requireRole, text } from '../shared/values';
import { type Category, type MajorClass, parseCategoryTable } from './category';

/**
 * The category table is itself event-sourced (stream `category-table`): each revision records
 * what was added, changed and removed, so that "which deadline applied to this report in March"
 * can be answered from the log, and a city's edits are auditable.
 */
export const CATEGORY_TABLE_STREAM = 'category-table';

type Change<T> = Readonly<{ before: T; after: T }>;
export type CategoryTableDiff = Readonly<{
  majors: Readonly<{ added: readonly MajorClass[]; changed: readonly Change<MajorClass>[]; removed: readonly string[] }>;
  categories: Readonly<{ added: readonly Category[]; changed: readonly Change<Category>[]; removed: readonly string[] }>;
}>;

export type CategoryTableRevised = DomainEvent<
  'intake.category_table.revised.v1',
  Readonly<{ revision: number; version: string; reason: string; revisedBy: string; revisedAt: Instant; diff: CategoryTableDiff }>
>;
export type CategoryTableEvent = CategoryTableRevised;

/** The whole new table (as JSON), so an edit is validated exactly like the shipped file. */
export type ReviseCategoryTable = Readonly<{
  type: 'ReviseCategoryTable';
  actor: Actor;
  data: Readonly<{ table: unknown; reason: string; at: string }>;
}>;
export type CategoryTableCommand = ReviseCategoryTable;

export type CategoryTableState =
  | Readonly<{ status: 'empty' }>
  | Readonly<{
      status: 'active';
      revision: number;
      version: string;
      majors: Readonly<Record<string, MajorClass>>;
      categories: Readonly<Record<string, Category>>;
    }>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function diffRecords<T>(before: Readonly<Record<string, T>>, after: Readonly<Record<string, T>>) {
  const added: T[] = [];
  const changed: Change<T>[] = [];
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (old === undefined) added.push(value);
    else if (!same(old, value)) changed.push({ before: old, after: value });
  }
  const removed = Object.keys(before).filter((key) => !(key in after));
  return { added, changed, removed };
}

const isEmpty = (d: CategoryTableDiff): boolean =>
  [d.majors, d.categories].every((part) => part.added.length === 0 && part.changed.length === 0 && part.removed.length === 0);

export function decideCategoryTable(command: CategoryTableCommand, state: CategoryTableState): readonly CategoryTableEvent[] {
  switch (command.type) {
    case 'ReviseCategoryTable': {
      requireRole(command.actor, command.type, IntakeRoles.categoryAdmin);
      const at = instant(command.data.at);
      const reason = text(command.data.reason, 'reason', { max: 500 });
      const table = parseCategoryTable(command.data.table);
      const current = state.status === 'active' ? state : { majors: {}, categories: {}, revision: 0 };
      const diff: CategoryTableDiff = {
        majors: diffRecords(current.majors, Object.fromEntries(table.majors)),
        categories: diffRecords(current.categories, Object.fromEntries(table.categories)),
      };
      // Re-submitting the same table (a retry, a redeploy) records nothing.
      if (isEmpty(diff)) return [];
      return [
        {
          type: 'intake.category_table.revised.v1',
          data: { revision: current.revision + 1, version: table.version, reason, revisedBy: command.actor.subject, revisedAt: at, diff },
        },
      ];
    }
    default:
      return assertNever(command.type, 'category table command');
  }
}

function applyDiff<T>(
  record: Readonly<Record<string, T>>,
  part: Readonly<{ added: readonly T[]; changed: readonly Change<T>[]; removed: readonly string[] }>,
  key: (t: T) => string,
) {
  const next: Record<string, T> = { ...record };
  for (const t of part.added) next[key(t)] = t;
  for (const c of part.changed) next[key(c.after)] = c.after;
  for (const k of part.removed) delete next[k];
  return next;
}

export function evolveCategoryTable(state: CategoryTableState, event: CategoryTableEvent): CategoryTableState {
  switch (event.type) {
    case 'intake.category_table.revised.v1': {
      const base = state.status === 'active' ? state : { majors: {}, categories: {} };
      const { diff } = event.data;
      return {
        status: 'active',
        revision: event.data.revision,
        version: event.data.version,
        majors: applyDiff(base.majors, diff.majors, (m) => `${m.family}.${m.major}`),
        categories: applyDiff(base.categories, diff.categories, (c) => c.code),
      };
    }
    default:
      return assertNever(event.type, 'category table event');
  }
}

export const categoryTableDecider: Decider<CategoryTableCommand, CategoryTableEvent, CategoryTableState> = {
  initialState: () => ({ status: 'empty' }),
  decide: decideCategoryTable,
  evolve: evolveCategoryTable,
};
