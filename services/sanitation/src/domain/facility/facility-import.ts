import { ValidationError } from '@yiwang/kernel-core';
import { type Standards } from '../standards/standards';
import { facilityDetails, type FacilityDetails, type FacilityInput } from './facility-details';

/**
 * Importing the register from a file: every row is validated on its own, the good ones are kept
 * and the bad ones reported with their row number and reasons, so one broken row never blocks a
 * district's upload. Pure: the handler registers the accepted rows.
 */
export type RejectedRow = Readonly<{ row: number; facilityId: string; errors: readonly string[] }>;
export type ImportResult = Readonly<{ accepted: readonly FacilityDetails[]; rejected: readonly RejectedRow[] }>;

export const CSV_COLUMNS = [
  'facilityId',
  'kind',
  'name',
  'district',
  'contractor',
  'geometry',
  'cells',
  'lengthM',
  'areaM2',
  'grade',
  'toiletClass',
  'siting',
  'opensAt',
  'closesAt',
  'capacityTonnesPerDay',
] as const;
const NUMERIC = new Set(['lengthM', 'areaM2', 'capacityTonnesPerDay']);
export const MAX_IMPORT_ROWS = 20_000;

/** RFC 4180 CSV: quoted fields with "" escapes and embedded commas or newlines. */
export function parseCsv(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = content.replace(/^\uFEFF/, '');
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

/** `lon lat` is a point; `lon lat; lon lat; …` a line. */
function csvGeometry(value: string): unknown {
  const points = value.split(';').map((p) => p.trim().split(/\s+/).map(Number));
  if (points.length === 1) return { type: 'Point', coordinates: points }; // one position: a list of one, as the internal form
  return { type: 'LineString', coordinates: points };
}

function csvInput(header: readonly string[], cells: readonly string[]): FacilityInput {
  const input: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const raw = (cells[i] ?? '').trim();
    if (raw === '') return;
    if (name === 'geometry') input.location = csvGeometry(raw);
    else if (name === 'cells') input.cells = raw.split(/[|\s]+/).filter(Boolean);
    else input[name] = NUMERIC.has(name) ? Number(raw) : raw;
  });
  return input;
}

const reasons = (e: unknown): string[] =>
  e instanceof ValidationError && e.violations.length > 0
    ? e.violations.map((v) => `${v.field}: ${v.message}`)
    : [e instanceof Error ? e.message : String(e)];

function validateRows(rows: ReadonlyArray<{ row: number; input: FacilityInput }>, standards: Standards): ImportResult {
  if (rows.length > MAX_IMPORT_ROWS)
    throw new ValidationError(`an import holds at most ${MAX_IMPORT_ROWS} rows, this one ${rows.length}`, [
      { field: 'content', message: 'too many rows' },
    ]);
  const accepted: FacilityDetails[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  for (const { row, input } of rows) {
    const facilityId = typeof input.facilityId === 'string' ? input.facilityId : '';
    const first = seen.get(facilityId);
    if (first !== undefined && facilityId !== '') {
      rejected.push({ row, facilityId, errors: [`facilityId: duplicate of row ${first}`] });
      continue;
    }
    try {
      accepted.push(facilityDetails(input, standards));
      seen.set(facilityId, row);
    } catch (e) {
      rejected.push({ row, facilityId, errors: reasons(e) });
    }
  }
  return { accepted, rejected };
}

/** A CSV file with a header row naming (a subset of) `CSV_COLUMNS`; rows are numbered from 2 as a spreadsheet shows them. */
export function importCsv(content: string, standards: Standards): ImportResult {
  const [header, ...body] = parseCsv(content);
  if (!header) throw new ValidationError('the CSV file is empty', [{ field: 'content', message: 'no header row' }]);
  const names = header.map((h) => h.trim());
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  if (unknown.length > 0 || !names.includes('facilityId') || !names.includes('kind')) {
    throw new ValidationError(`the CSV header must name columns of ${CSV_COLUMNS.join(',')} (facilityId and kind required)`, [
      { field: 'header', message: unknown.length > 0 ? `unknown columns: ${unknown.join(', ')}` : 'facilityId or kind missing' },
    ]);
  }
  return validateRows(
    body.map((cells, i) => ({ row: i + 2, input: csvInput(names, cells) })),
    standards,
  );
}

/** A GeoJSON FeatureCollection whose features carry the columns as properties; rows are numbered from 1. */
export function importGeoJson(content: string, standards: Standards): ImportResult {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    throw new ValidationError('the GeoJSON file is not JSON', [
      { field: 'content', message: e instanceof Error ? e.message : 'unparsable' },
    ]);
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new ValidationError('a GeoJSON import is a FeatureCollection', [{ field: 'content', message: 'no features' }]);
  }
  const rows = (fc.features as unknown[]).map((f, i) => {
    const feature = (f ?? {}) as { properties?: Record<string, unknown>; geometry?: unknown };
    return { row: i + 1, input: { ...(feature.properties ?? {}), location: feature.geometry } };
  });
  return validateRows(rows, standards);
}
