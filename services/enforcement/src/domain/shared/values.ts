import { ValidationError } from '@yiwang/kernel-core';

/**
 * Value types of the enforcement case. Each branded type has a validating factory of the same
 * name, so a plain string from a request never reaches `decide` unchecked.
 */
type Brand<T, B extends string> = T & { readonly __brand: B };

export type EnforcementCaseId = Brand<string, 'EnforcementCaseId'>;
/** An enforcement squad (执法中队) is a department: its id is the department code tokens carry. */
export type SquadId = Brand<string, 'SquadId'>;
/** An ISO-8601 instant with an explicit offset. */
export type Instant = Brand<string, 'Instant'>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
const DEPARTMENT = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const violation = (field: string, message: string, what: string): ValidationError =>
  new ValidationError(`${field} ${what}`, [{ field, message }]);

function check<T extends string>(field: string, value: unknown, pattern: RegExp, what: string): T {
  if (typeof value !== 'string' || !pattern.test(value)) throw violation(field, `not ${what}: ${JSON.stringify(value)}`, `must be ${what}`);
  return value as T;
}

export const EnforcementCaseId = (value: unknown, field = 'caseId'): EnforcementCaseId =>
  check(field, value, ID, 'an id (letters, digits, _ . : -)');
export const SquadId = (value: unknown, field = 'squadId'): SquadId =>
  check(field, value, DEPARTMENT, 'a department code like squad.jiefang.1');

export function Instant(value: unknown, field = 'at'): Instant {
  const s = check<Instant>(field, value, ISO_INSTANT, 'an ISO-8601 instant with offset');
  if (Number.isNaN(Date.parse(s))) throw violation(field, s, 'is not a real instant');
  return s;
}

export const toMillis = (instant: string): number => Date.parse(instant);
/** Canonical UTC form, so that equal instants compare equal as strings in events. */
export const instantOf = (at: Date | number): Instant => new Date(at).toISOString() as Instant;

export function text(value: unknown, field: string, max = 2000): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw violation(field, 'empty or too long', `must be non-empty text of at most ${max} characters`);
  return value.trim();
}

export function optionalText(value: unknown, field: string, max = 2000): string {
  if (value === undefined || value === null || value === '') return '';
  return text(value, field, max);
}

/** Amounts are whole fen (分), so that 3 % of 201 yuan is exact and never a float. */
export function fen(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw violation(field, String(value), 'must be a non-negative whole number of fen');
  return value;
}

export const yuanToFen = (yuan: number): number => Math.round(yuan * 100);
export const formatYuan = (amountFen: number): string => `${(amountFen / 100).toFixed(2)} 元`;

/** File references are object-store keys or URLs; the files themselves never enter events. */
export function fileRefs(value: unknown, field = 'fileRefs', max = 50): readonly string[] {
  if (!Array.isArray(value) || value.length > max || value.some((p) => typeof p !== 'string' || p === '' || p.length > 500)) {
    throw violation(field, 'bad file references', `must be a list of at most ${max} references`);
  }
  return value as string[];
}

/** One of a fixed list, with the list in the message. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw violation(field, `unknown: ${JSON.stringify(value)}`, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
