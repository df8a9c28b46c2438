import { ValidationError } from '@yiwang/kernel-core';

/**
 * Value types of the heating domain. Each branded type has a validating factory of the same name,
 * so a plain string never reaches `decide` unchecked.
 */
type Brand<T, B extends string> = T & { readonly __brand: B };

export type ComplaintId = Brand<string, 'ComplaintId'>;
/** A heating company (供热企业) is a department: its id is the department code its tokens carry. */
export type CompanyId = Brand<string, 'CompanyId'>;
/** `<compoundId>:<building>-<unit>-<room>`, e.g. `jz-hongxing:3-2-501`. */
export type HouseholdId = Brand<string, 'HouseholdId'>;
export type PointId = Brand<string, 'PointId'>;
/** An ISO-8601 instant with an explicit offset. */
export type Instant = Brand<string, 'Instant'>;
/** A temperature in tenths of a degree Celsius (17.9 ℃ → 179), so that 18.0 vs 17.9 compares exactly. */
export type DeciCelsius = Brand<number, 'DeciCelsius'>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
const DEPARTMENT = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;
const HOUSEHOLD = /^[a-z0-9][a-z0-9-]{0,39}:[0-9A-Za-z]{1,6}-[0-9A-Za-z]{1,6}-[0-9A-Za-z]{1,8}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function invalid(field: string, message: string, detail = message): never {
  throw new ValidationError(`${field} ${message}`, [{ field, message: detail }]);
}

function check<T extends string>(field: string, value: unknown, pattern: RegExp, what: string): T {
  if (typeof value !== 'string' || !pattern.test(value)) invalid(field, `must be ${what}`, `not ${what}: ${JSON.stringify(value)}`);
  return value as T;
}

export const ComplaintId = (value: unknown, field = 'complaintId'): ComplaintId =>
  check(field, value, ID, 'an id (letters, digits, _ . : -)');
export const CompanyId = (value: unknown, field = 'companyId'): CompanyId =>
  check(field, value, DEPARTMENT, 'a department code like dept.heating.huaneng');
export const HouseholdId = (value: unknown, field = 'householdId'): HouseholdId =>
  check(field, value, HOUSEHOLD, 'a household id like jz-hongxing:3-2-501 (compound:building-unit-room)');
export const PointId = (value: unknown, field = 'pointId'): PointId => check(field, value, ID, 'a monitoring point id');

export function Instant(value: unknown, field = 'at'): Instant {
  const s = check<Instant>(field, value, ISO_INSTANT, 'an ISO-8601 instant with offset');
  if (Number.isNaN(Date.parse(s))) invalid(field, 'is not a real instant', s);
  return s;
}

export const toMillis = (instant: string): number => Date.parse(instant);
/** Canonical UTC form, so that equal instants compare equal as strings in events. */
export const instantFromMillis = (ms: number): Instant => new Date(ms).toISOString() as Instant;

/** Indoor thermometers and sensors read between −40 and 60 ℃; anything else is a broken device or a typo. */
export const MIN_CELSIUS = -40;
export const MAX_CELSIUS = 60;

/** Celsius with at most one decimal as tenths; refuses values outside −40…60 ℃. */
export function DeciCelsius(value: unknown, field = 'celsius'): DeciCelsius {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(field, 'must be a temperature in ℃', JSON.stringify(value));
  if (value < MIN_CELSIUS || value > MAX_CELSIUS) invalid(field, `must lie within ${MIN_CELSIUS}…${MAX_CELSIUS} ℃`, `${value} ℃`);
  return Math.round(value * 10) as DeciCelsius;
}

export const celsiusText = (deci: number): string => `${(deci / 10).toFixed(1)} ℃`;

export function nonEmptyText(value: unknown, field: string, max = 2000): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    invalid(field, `must be non-empty text of at most ${max} characters`, 'empty or too long');
  return value;
}

export function optionalText(value: unknown, field: string, max = 2000): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || value.length > max) invalid(field, `must be text of at most ${max} characters`, 'not text or too long');
  return value;
}

/** Photo references are object-store keys or URLs; the photos themselves never enter events. */
export function photoRefs(value: unknown, field = 'photoRefs', max = 20): readonly string[] {
  if (!Array.isArray(value) || value.length > max || value.some((p) => typeof p !== 'string' || p === '' || p.length > 500)) {
    invalid(field, `must be a list of at most ${max} references`, 'bad photo references');
  }
  return value as string[];
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    invalid(field, `must be one of ${allowed.join(', ')}`, `got ${JSON.stringify(value)}`);
  return value as T;
}
