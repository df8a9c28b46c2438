import { ValidationError } from '@yiwang/kernel-core';

/**
 * Value types of the sanitation aggregates. Each branded type has a validating factory of the
 * same name, so a plain string never reaches `decide` unchecked.
 */
type Brand<T, B extends string> = T & { readonly __brand: B };

/** 6-digit division + 2-digit major + 2-digit minor + 6-digit serial (CJ/T 214 component id). */
export type ComponentId = Brand<string, 'ComponentId'>;
export type InspectionId = Brand<string, 'InspectionId'>;
/** A department code, e.g. `contractor.huanjie` or `dept.sanitation.jiefang`. */
export type Department = Brand<string, 'Department'>;
/** An ISO-8601 instant with an explicit offset. */
export type Instant = Brand<string, 'Instant'>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
const DEPARTMENT = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const COMPONENT = /^(\d{6})(\d{2})(\d{2})(\d{6})$/;
/** Province prefixes of GB/T 2260 division codes (mainland 11–65, Taiwan 71, HK 81, Macao 82). */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);
/** Unit grid cell (CJ/T 213): district 6 + street 3 + community 3 + cell 3. */
const CELL = /^\d{15}$/;

export function fail(field: string, message: string, summary = `${field}: ${message}`): never {
  throw new ValidationError(summary, [{ field, message }]);
}

function check<T extends string>(field: string, value: unknown, pattern: RegExp, what: string): T {
  if (typeof value !== 'string' || !pattern.test(value)) fail(field, `not ${what}: ${JSON.stringify(value)}`, `${field} must be ${what}`);
  return value as T;
}

export const InspectionId = (value: unknown, field = 'inspectionId'): InspectionId =>
  check(field, value, ID, 'an id (letters, digits, _ . : -)');
export const Department = (value: unknown, field = 'department'): Department =>
  check(field, value, DEPARTMENT, 'a department code like contractor.huanjie');

export type ComponentParts = Readonly<{ division: string; major: string; minor: string; serial: string }>;

/** Parses a component id; the class (major.minor) is checked against the facility kind by the caller. */
export function parseComponentId(value: unknown, field = 'componentId'): ComponentParts & { id: ComponentId } {
  const id = check<ComponentId>(field, value, COMPONENT, 'a 16-digit component id (division 6 + major 2 + minor 2 + serial 6)');
  const [, division, major, minor, serial] = COMPONENT.exec(id) as unknown as [string, string, string, string, string];
  if (!PROVINCES.has(division.slice(0, 2))) fail(field, `division ${division} has no province ${division.slice(0, 2)}`);
  if (division.slice(2) === '0000') fail(field, `division ${division} is a province, not a district`);
  if (serial === '000000') fail(field, 'serial 000000 is not a component');
  return { id, division, major, minor, serial };
}

export const ComponentId = (value: unknown, field = 'componentId'): ComponentId => parseComponentId(value, field).id;

export function Instant(value: unknown, field = 'at'): Instant {
  const s = check<Instant>(field, value, ISO_INSTANT, 'an ISO-8601 instant with offset');
  if (Number.isNaN(Date.parse(s))) fail(field, `not a real instant: ${s}`);
  return s;
}

export const instantFromMillis = (ms: number): Instant => new Date(ms).toISOString() as Instant;

export function text(value: unknown, field: string, max = 200, required = true): string {
  if (typeof value !== 'string' || value.length > max || (required && value.trim() === '')) {
    fail(field, required ? `must be non-empty text of at most ${max} characters` : `must be text of at most ${max} characters`);
  }
  return value.trim();
}

export function positiveNumber(value: unknown, field: string, options: { zero?: boolean; max?: number } = {}): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (options.zero ? value >= 0 : value > 0) && value <= (options.max ?? 1e9);
  if (!ok)
    fail(
      field,
      `must be a ${options.zero ? 'non-negative' : 'positive'} number${options.max ? ` up to ${options.max}` : ''}, got ${JSON.stringify(value)}`,
    );
  return value;
}

export function cells(value: unknown, field = 'cells'): readonly string[] {
  if (!Array.isArray(value) || value.length > 200) fail(field, 'must be a list of at most 200 grid cells');
  value.forEach((c, i) => check(`${field}[${i}]`, c, CELL, 'a 15-digit grid cell id'));
  return [...new Set(value as string[])];
}

/** WGS84 longitude and latitude. */
export type Position = Readonly<{ lon: number; lat: number }>;
/**
 * A point (one position) or a line (a road's centre line). Positions are objects, not GeoJSON's
 * `[lon, lat]` arrays: FerretDB stores no nested arrays, and the protobuf message has the same shape.
 */
export type Geometry = Readonly<{ type: 'Point' | 'LineString'; coordinates: readonly Position[] }>;

function position(value: unknown, field: string): Position {
  const raw =
    Array.isArray(value) && value.length === 2 ? { lon: value[0], lat: value[1] } : (value as { lon?: unknown; lat?: unknown } | null);
  const { lon, lat } = raw ?? {};
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat))
    fail(field, 'must be [lon, lat] or {lon, lat}');
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) fail(field, `[${lon}, ${lat}] is off the globe`);
  return { lon, lat };
}

/** Reads a GeoJSON Point / LineString (`[lon, lat]` positions) or the internal form ({lon, lat} positions). */
export function geometry(value: unknown, field = 'location'): Geometry {
  const g = value as { type?: unknown; coordinates?: unknown } | null;
  if (g?.type === 'Point') {
    const c = g.coordinates;
    // GeoJSON gives a point one position; the internal form a list of one.
    const one = Array.isArray(c) && c.length === 1 && typeof c[0] === 'object' ? c[0] : c;
    return { type: 'Point', coordinates: [position(one, `${field}.coordinates`)] };
  }
  if (g?.type === 'LineString') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length < 2 || g.coordinates.length > 500)
      fail(`${field}.coordinates`, 'a line needs 2 to 500 positions');
    return { type: 'LineString', coordinates: g.coordinates.map((p, i) => position(p, `${field}.coordinates[${i}]`)) };
  }
  return fail(field, 'must be a GeoJSON Point or LineString');
}

/** `2025-03` of an instant, in Shanghai (UTC+8, no daylight saving). */
export const shanghaiMonth = (instant: string): string => new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 7);
/** `2025-03-04` of an instant, in Shanghai. */
export const shanghaiDay = (instant: string): string => new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
export const Month = (value: unknown, field = 'period'): string => check(field, value, MONTH, 'a month like 2025-03');
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
/** The instant the month ends (first moment of the next month, Shanghai). */
export function monthEndMs(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Date.UTC(y, m, 1) - 8 * 3_600_000;
}
