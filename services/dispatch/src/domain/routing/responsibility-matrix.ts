import { NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { CategoryCode, UnitId } from '../shared/values';
import shipped from '../../../data/responsibility-matrix.json';

/**
 * The responsibility matrix (责任矩阵): which unit handles which category in which district.
 * Shipped as data because every city (and every reorganisation) draws it differently.
 */
export const UNIT_TYPES = [
  'sanitation',
  'municipal',
  'landscaping',
  'street-office',
  'enforcement',
  'heating',
  'gas',
  'water',
  'traffic',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export type Unit = Readonly<{ id: UnitId; name: Readonly<{ zh: string; en: string }>; type: UnitType; district: string | null }>;
/** `category` is a full code (`event.01.02`), a major class (`event.01`) or a family (`event`). */
export type RoutingRule = Readonly<{ category: string; district: string; unit: UnitId; why: string }>;

export type ResponsibilityMatrix = Readonly<{
  version: string;
  districts: readonly string[];
  units: ReadonlyMap<string, Unit>;
  rules: readonly RoutingRule[];
  fallbacks: ReadonlyMap<UnitType, UnitId>;
}>;

const CATEGORY_PATTERN = /^(component|event)(\.\d{2}){0,2}$/;

function invalid(field: string, message: string): never {
  throw new ValidationError(`invalid responsibility matrix: ${field} ${message}`, [{ field, message }]);
}

const isUnitType = (v: unknown): v is UnitType => typeof v === 'string' && (UNIT_TYPES as readonly string[]).includes(v);

/** Validates the matrix as loaded from JSON: every unit and district a rule names must exist. */
export function parseResponsibilityMatrix(raw: unknown): ResponsibilityMatrix {
  const o = (raw ?? {}) as Record<string, unknown>;
  const districts = Array.isArray(o['districts']) ? (o['districts'] as unknown[]) : invalid('districts', 'must be a list');
  if (districts.some((d) => typeof d !== 'string' || d === '')) invalid('districts', 'must be names');
  const districtNames = districts as string[];
  const units = new Map<string, Unit>();
  const byTypeAndDistrict = new Set<string>();
  (Array.isArray(o['units']) ? (o['units'] as Record<string, unknown>[]) : invalid('units', 'must be a list')).forEach((u, i) => {
    const id = UnitId(u['id'], `units[${i}].id`);
    const name = (u['name'] ?? {}) as Record<string, unknown>;
    if (typeof name['zh'] !== 'string' || typeof name['en'] !== 'string') invalid(`units[${i}].name`, 'needs zh and en');
    if (!isUnitType(u['type'])) invalid(`units[${i}].type`, `must be one of ${UNIT_TYPES.join(', ')}`);
    const district = u['district'] ?? null;
    if (district !== null && !districtNames.includes(district as string))
      invalid(`units[${i}].district`, `unknown district ${String(district)}`);
    if (units.has(id)) invalid(`units[${i}].id`, `duplicate ${id}`);
    // One unit per type and district, or the fallback by type would be a guess.
    const key = `${u['type']}@${String(district)}`;
    if (district !== null && byTypeAndDistrict.has(key)) invalid(`units[${i}]`, `second ${u['type']} unit in ${String(district)}`);
    byTypeAndDistrict.add(key);
    units.set(id, { id, name: { zh: name['zh'], en: name['en'] }, type: u['type'], district: district as string | null });
  });
  const seen = new Set<string>();
  const rules = (Array.isArray(o['rules']) ? (o['rules'] as Record<string, unknown>[]) : invalid('rules', 'must be a list')).map(
    (r, i): RoutingRule => {
      const category = r['category'];
      if (typeof category !== 'string' || !CATEGORY_PATTERN.test(category))
        invalid(`rules[${i}].category`, 'must be a family, major class or full category code');
      const district = r['district'];
      if (typeof district !== 'string' || (district !== '*' && !districtNames.includes(district)))
        invalid(`rules[${i}].district`, 'must be a district or *');
      const unit = UnitId(r['unit'], `rules[${i}].unit`);
      if (!units.has(unit)) invalid(`rules[${i}].unit`, `unknown unit ${unit}`);
      if (seen.has(`${category}@${district}`)) invalid(`rules[${i}]`, `duplicate rule for ${category} in ${district}`);
      seen.add(`${category}@${district}`);
      return { category, district, unit, why: typeof r['why'] === 'string' ? r['why'] : '' };
    },
  );
  const fallbacks = new Map<UnitType, UnitId>();
  for (const [type, unit] of Object.entries((o['fallbacks'] ?? {}) as Record<string, unknown>)) {
    if (!isUnitType(type)) invalid(`fallbacks.${type}`, 'is not a unit type');
    const id = UnitId(unit, `fallbacks.${type}`);
    if (units.get(id)?.type !== type) invalid(`fallbacks.${type}`, `must name a known ${type} unit`);
    fallbacks.set(type, id);
  }
  return { version: typeof o['version'] === 'string' ? o['version'] : 'unversioned', districts: districtNames, units, rules, fallbacks };
}

export type Route = Readonly<{ unit: Unit; via: 'rule' | 'district-unit' | 'fallback'; rule: RoutingRule | null }>;

/** How specific a rule is: full code 3, major class 2, family 1; a named district adds half a level. */
const specificity = (rule: RoutingRule): number => rule.category.split('.').length * 2 + (rule.district === '*' ? 0 : 1);
const covers = (pattern: string, code: string): boolean => code === pattern || code.startsWith(`${pattern}.`);

/**
 * Routes a category in a district to its responsible unit: the most specific matching rule, else
 * the district's unit of the category's default type, else the city-wide fallback of that type.
 * Unknown district or malformed code → ValidationError; nobody responsible → NotFoundError.
 */
export function route(
  matrix: ResponsibilityMatrix,
  request: Readonly<{ category: string; district: string; defaultUnitType: string }>,
): Route {
  const category = CategoryCode(request.category);
  if (!matrix.districts.includes(request.district)) {
    throw new ValidationError(`unknown district ${request.district}`, [
      { field: 'district', message: `not one of ${matrix.districts.join(', ')}` },
    ]);
  }
  const rule = matrix.rules
    .filter((r) => covers(r.category, category) && (r.district === '*' || r.district === request.district))
    .reduce<RoutingRule | null>((best, r) => (best === null || specificity(r) > specificity(best) ? r : best), null);
  if (rule) return { unit: matrix.units.get(rule.unit) as Unit, via: 'rule', rule };
  const type = request.defaultUnitType;
  if (!isUnitType(type))
    throw new ValidationError(`unknown unit type ${type}`, [{ field: 'defaultUnitType', message: `not one of ${UNIT_TYPES.join(', ')}` }]);
  const local = [...matrix.units.values()].find((u) => u.type === type && u.district === request.district);
  if (local) return { unit: local, via: 'district-unit', rule: null };
  const fallback = matrix.fallbacks.get(type);
  if (fallback) return { unit: matrix.units.get(fallback) as Unit, via: 'fallback', rule: null };
  throw new NotFoundError(`no unit is responsible for ${category} in ${request.district} (no rule, no ${type} unit, no fallback)`, {
    category,
    district: request.district,
    defaultUnitType: type,
  });
}

/** The matrix shipped in data/responsibility-matrix.json (the demo city, Jiaozuo). */
export const shippedResponsibilityMatrix = (): ResponsibilityMatrix => parseResponsibilityMatrix(shipped);
