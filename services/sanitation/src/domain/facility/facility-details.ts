import { assertNever } from '@yiwang/kernel-core';
import { FACILITY_KINDS, isFacilityKind, type FacilityKind, type Siting, type Standards } from '../standards/standards';
import {
  cells,
  Department,
  fail,
  geometry,
  parseComponentId,
  positiveNumber,
  text,
  type ComponentId,
  type Geometry,
} from '../shared/values';

/**
 * A facility as the register keeps it. Kind-specific fields are present only on their kind:
 * roads carry length, area and cleaning grade; toilets class, siting and opening hours; transfer
 * stations their capacity. Flat, so that the event and its protobuf message are the same shape.
 */
export type FacilityDetails = Readonly<{
  facilityId: ComponentId;
  kind: FacilityKind;
  name: string;
  /** District (区), e.g. 解放区: the rankings' district dimension. */
  district: string;
  /** The contractor or unit responsible (a department code). */
  contractor: string;
  location: Geometry;
  /** Unit grid cells (单元网格) the facility lies in. */
  cells: readonly string[];
  lengthM?: number;
  areaM2?: number;
  grade?: string;
  toiletClass?: string;
  siting?: Siting;
  opensAt?: string;
  closesAt?: string;
  capacityTonnesPerDay?: number;
}>;

/** What a caller sends: plain values, checked here. */
export type FacilityInput = Readonly<Record<string, unknown>>;

const HHMM = /^([01]\d|2[0-4]):[0-5]\d$/;
const hhmm = (v: unknown, field: string): string =>
  typeof v === 'string' && HHMM.test(v) ? v : fail(field, `must be HH:MM, got ${JSON.stringify(v)}`);

/** Validates a facility's details against the kinds and the standards (grades and toilet classes are data). */
export function facilityDetails(input: FacilityInput, standards: Standards): FacilityDetails {
  const kind = input.kind;
  if (!isFacilityKind(kind)) return fail('kind', `must be one of ${Object.keys(FACILITY_KINDS).join(', ')}, got ${JSON.stringify(kind)}`);
  const parts = parseComponentId(input.facilityId, 'facilityId');
  const cls = FACILITY_KINDS[kind];
  if (parts.major !== cls.major || parts.minor !== cls.minor) {
    fail('facilityId', `a ${kind} (${cls.zh}) has class ${cls.major}.${cls.minor}, the id says ${parts.major}.${parts.minor}`);
  }
  const base = {
    facilityId: parts.id,
    kind,
    name: text(input.name, 'name', 100),
    district: text(input.district, 'district', 50),
    contractor: Department(input.contractor, 'contractor'),
    location: geometry(input.location),
    cells: cells(input.cells ?? []),
  };
  switch (kind) {
    case 'road': {
      const grade = String(input.grade ?? '');
      if (!standards.grades.has(grade))
        fail('grade', `cleaning grade must be one of ${[...standards.grades.keys()].join(', ')}, got ${JSON.stringify(input.grade)}`);
      if (base.location.type !== 'LineString') fail('location', 'a road is a line');
      return {
        ...base,
        lengthM: positiveNumber(input.lengthM, 'lengthM', { max: 100_000 }),
        areaM2: positiveNumber(input.areaM2, 'areaM2', { max: 10_000_000 }),
        grade,
      };
    }
    case 'toilet': {
      const toiletClass = String(input.toiletClass ?? '');
      if (!standards.toilets.maxOdourLevelByClass.has(toiletClass))
        fail('toiletClass', `toilet class must be one of ${[...standards.toilets.maxOdourLevelByClass.keys()].join(', ')}`);
      if (input.siting !== 'attached' && input.siting !== 'standalone') fail('siting', 'must be attached (附属式) or standalone (独立式)');
      const opensAt = hhmm(input.opensAt, 'opensAt');
      const closesAt = hhmm(input.closesAt, 'closesAt');
      if (closesAt <= opensAt) fail('closesAt', 'must be after opensAt');
      if (base.location.type !== 'Point') fail('location', 'a toilet is a point');
      return { ...base, toiletClass, siting: input.siting, opensAt, closesAt };
    }
    case 'transfer_station':
      if (base.location.type !== 'Point') fail('location', 'a transfer station is a point');
      return { ...base, capacityTonnesPerDay: positiveNumber(input.capacityTonnesPerDay, 'capacityTonnesPerDay', { max: 10_000 }) };
    case 'litter_bin':
      if (base.location.type !== 'Point') fail('location', 'a litter bin is a point');
      return base;
    default:
      return assertNever(kind, 'facility kind');
  }
}

/** Equal details in a canonical form (key order does not matter), for idempotent imports. */
export function sameDetails(a: FacilityDetails, b: FacilityDetails): boolean {
  const canon = (d: FacilityDetails) =>
    JSON.stringify(
      Object.keys(d)
        .sort()
        .map((k) => [k, d[k as keyof FacilityDetails]]),
    );
  return canon(a) === canon(b);
}
