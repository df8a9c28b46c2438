import { ValidationError } from '@yiwang/kernel-core';

/**
 * Value types of the parking aggregates. Each branded type has a validating factory of the same
 * name, so a plain string never reaches `decide` unchecked.
 */
type Brand<T, B extends string> = T & { readonly __brand: B };

export type ViolationId = Brand<string, 'ViolationId'>;
export type ObstructionId = Brand<string, 'ObstructionId'>;
export type SpaceId = Brand<string, 'SpaceId'>;
/** A squad (中队) is a department: its id is the department code tokens carry. */
export type SquadId = Brand<string, 'SquadId'>;
/** An ISO-8601 instant with an explicit offset. */
export type Instant = Brand<string, 'Instant'>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
const DEPARTMENT = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function invalid(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

function check<T extends string>(field: string, value: unknown, pattern: RegExp, what: string): T {
  if (typeof value !== 'string' || !pattern.test(value)) invalid(field, `must be ${what}, got ${JSON.stringify(value)}`);
  return value as T;
}

const idText = 'an id (letters, digits, _ . : -)';
export const ViolationId = (value: unknown, field = 'violationId'): ViolationId => check(field, value, ID, idText);
export const ObstructionId = (value: unknown, field = 'obstructionId'): ObstructionId => check(field, value, ID, idText);
export const SpaceId = (value: unknown, field = 'spaceId'): SpaceId => check(field, value, ID, idText);
export const SquadId = (value: unknown, field = 'squad'): SquadId =>
  check(field, value, DEPARTMENT, 'a department code like dept.parking.jiefang');

export function Instant(value: unknown, field = 'at'): Instant {
  const s = check<Instant>(field, value, ISO_INSTANT, 'an ISO-8601 instant with offset');
  if (Number.isNaN(Date.parse(s))) invalid(field, `not a real instant: ${s}`);
  return s;
}

export const toMillis = (instant: string): number => Date.parse(instant);
/** Canonical UTC form, so that equal instants compare equal as strings in events. */
export const instantFromMillis = (ms: number): Instant => new Date(ms).toISOString() as Instant;

export function text(value: unknown, field: string, max = 500, optional = false): string {
  if (typeof value !== 'string' || value.length > max || (!optional && value.trim() === '')) {
    invalid(field, optional ? `must be text of at most ${max} characters` : `must be non-empty text of at most ${max} characters`);
  }
  return value;
}

/** Photo references are object-store keys or URLs; the photos themselves never enter events. */
export function photoRefs(value: unknown, field = 'photoRefs', max = 20): readonly string[] {
  if (!Array.isArray(value) || value.length > max || value.some((p) => typeof p !== 'string' || p === '' || p.length > 500)) {
    invalid(field, `must be a list of at most ${max} photo references`);
  }
  return value as string[];
}

/** Whole yuan, as the fine tables are written. */
export function yuan(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    invalid(field, `must be whole yuan between ${min} and ${max}, got ${String(value)}`);
  return value;
}

/** A located spot: coordinates, and the grid cell, district and road they resolve to. */
export type Place = Readonly<{ lat: number; lon: number; cellId: string; district: string; road: string }>;

export function place(value: Place, field = 'location'): Place {
  const ok = Number.isFinite(value.lat) && Number.isFinite(value.lon) && Math.abs(value.lat) <= 90 && Math.abs(value.lon) <= 180;
  if (!ok) invalid(`${field}.lat`, 'coordinates must be finite WGS-84 degrees');
  text(value.cellId, `${field}.cellId`, 40);
  text(value.district, `${field}.district`, 40);
  text(value.road, `${field}.road`, 100);
  return value;
}

/** Where a vehicle stands, for "the same spot": its grid cell and road. */
export const spotKey = (p: Pick<Place, 'cellId' | 'road'>): string => `${p.cellId}|${p.road}`;
