import { ValidationError } from '@yiwang/kernel-core';

/**
 * Value types shared by the dispatch aggregates. Each branded type has a validating factory of
 * the same name, so a plain string never reaches `decide` unchecked.
 */
type Brand<T, B extends string> = T & { readonly __brand: B };

export type CaseId = Brand<string, 'CaseId'>;
export type ReportId = Brand<string, 'ReportId'>;
/** A responsible unit (处置单位) is a department: its id is the department code tokens carry. */
export type UnitId = Brand<string, 'UnitId'>;
/** `event.01.02` / `component.01.10`: family, major (大类), minor (小类), as in the intake table. */
export type CategoryCode = Brand<string, 'CategoryCode'>;
/** An ISO-8601 instant with an explicit offset, e.g. `2025-03-03T09:00:00+08:00` or `…Z`. */
export type Instant = Brand<string, 'Instant'>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
const DEPARTMENT = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;
const CATEGORY = /^(component|event)\.\d{2}\.\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function check<T extends string>(field: string, value: unknown, pattern: RegExp, what: string): T {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ValidationError(`${field} must be ${what}`, [{ field, message: `not ${what}: ${JSON.stringify(value)}` }]);
  }
  return value as T;
}

export const CaseId = (value: unknown, field = 'caseId'): CaseId => check(field, value, ID, 'an id (letters, digits, _ . : -)');
export const ReportId = (value: unknown, field = 'reportId'): ReportId => check(field, value, ID, 'an id (letters, digits, _ . : -)');
export const UnitId = (value: unknown, field = 'unitId'): UnitId =>
  check(field, value, DEPARTMENT, 'a department code like dept.sanitation.jiefang');
export const CategoryCode = (value: unknown, field = 'category'): CategoryCode =>
  check(field, value, CATEGORY, 'a category code like event.01.02');

export function Instant(value: unknown, field = 'at'): Instant {
  const s = check<Instant>(field, value, ISO_INSTANT, 'an ISO-8601 instant with offset');
  if (Number.isNaN(Date.parse(s))) throw new ValidationError(`${field} is not a real instant`, [{ field, message: s }]);
  return s;
}

export const toMillis = (instant: string): number => Date.parse(instant);
/** Canonical UTC form, so that equal instants compare equal as strings in events. */
export const instantFromMillis = (ms: number): Instant => new Date(ms).toISOString() as Instant;

export function nonEmptyText(value: unknown, field: string, max = 2000): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new ValidationError(`${field} must be non-empty text of at most ${max} characters`, [{ field, message: 'empty or too long' }]);
  }
  return value;
}

/** Photo references are object-store keys or URLs; the photos themselves never enter events. */
export function photoRefs(value: unknown, field = 'photoRefs', max = 20): readonly string[] {
  if (!Array.isArray(value) || value.length > max || value.some((p) => typeof p !== 'string' || p === '' || p.length > 500)) {
    throw new ValidationError(`${field} must be a list of at most ${max} references`, [{ field, message: 'bad photo references' }]);
  }
  return value as string[];
}
