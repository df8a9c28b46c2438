import { ValidationError } from '@yiwang/kernel-core';
import { violation } from '../shared/values';
import shipped from '../../../data/categories.json';

/**
 * The category table (分类表): components (部件, physical assets) and events (事件, situations),
 * each with a 2-digit major (大类) and minor (小类) code as in CJ/T 214 / GB/T 30428.2, `99` =
 * other. Shipped as data (data/categories.json) and editable per city.
 */
export const FAMILIES = ['component', 'event'] as const;
export type Family = (typeof FAMILIES)[number];
export const URGENCIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];
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

/** `event.01.02` = event, major 01 (市容环境), minor 02 (暴露垃圾). */
export type CategoryCode = string & { readonly __brand: 'CategoryCode' };
const CODE = /^(component|event)\.(\d{2})\.(\d{2})$/;

/** Validates the form of a code (not whether the table knows it: see `lookupCategory`). */
export function CategoryCode(value: unknown, field = 'category'): CategoryCode {
  if (typeof value !== 'string' || !CODE.test(value)) throw violation(field, 'must be a category code like event.01.02');
  return value as CategoryCode;
}
export const categoryCode = (family: Family, major: string, minor: string): CategoryCode => CategoryCode(`${family}.${major}.${minor}`);

export type Name = Readonly<{ zh: string; en: string }>;
export type WorkingDuration = Readonly<{ amount: number; unit: 'working_hours' | 'working_days' }>;
export type Category = Readonly<{
  code: CategoryCode;
  family: Family;
  major: string;
  minor: string;
  name: Name;
  /** Default disposal deadline (处置时限) in working time. */
  deadline: WorkingDuration;
  urgency: Urgency;
  /** The kind of unit that usually handles it; the responsibility matrix may say otherwise. */
  unitType: UnitType;
}>;
export type MajorClass = Readonly<{ family: Family; major: string; name: Name }>;

export type CategoryTable = Readonly<{
  version: string;
  majors: ReadonlyMap<string, MajorClass>;
  categories: ReadonlyMap<CategoryCode, Category>;
}>;

const TWO_DIGITS = /^\d{2}$/;

function name(raw: unknown, field: string): Name {
  const n = (raw ?? {}) as Record<string, unknown>;
  if (typeof n['zh'] !== 'string' || n['zh'] === '' || typeof n['en'] !== 'string' || n['en'] === '') {
    throw violation(field, 'needs a Chinese (zh) and an English (en) name');
  }
  return { zh: n['zh'], en: n['en'] };
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw violation(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function deadline(raw: unknown, field: string): WorkingDuration {
  const d = (raw ?? {}) as Record<string, unknown>;
  const unit = oneOf(d['unit'], `${field}.unit`, ['working_hours', 'working_days'] as const);
  const amount = d['amount'];
  if (typeof amount !== 'number' || !(amount > 0) || !Number.isFinite(amount) || (unit === 'working_days' && !Number.isInteger(amount))) {
    throw violation(`${field}.amount`, 'must be a positive number (whole days for working_days)');
  }
  return { amount, unit };
}

/** Validates a table as loaded from JSON; every minor class must belong to a declared major. */
export function parseCategoryTable(raw: unknown): CategoryTable {
  const o = (raw ?? {}) as Record<string, unknown>;
  if (!Array.isArray(o['majors']) || !Array.isArray(o['categories'])) throw violation('table', 'needs majors and categories lists');
  const majors = new Map<string, MajorClass>();
  (o['majors'] as Record<string, unknown>[]).forEach((m, i) => {
    const family = oneOf(m['family'], `majors[${i}].family`, FAMILIES);
    if (typeof m['major'] !== 'string' || !TWO_DIGITS.test(m['major'])) throw violation(`majors[${i}].major`, 'must be two digits');
    const key = `${family}.${m['major']}`;
    if (majors.has(key)) throw violation(`majors[${i}]`, `duplicate major class ${key}`);
    majors.set(key, { family, major: m['major'], name: name(m['name'], `majors[${i}].name`) });
  });
  const categories = new Map<CategoryCode, Category>();
  (o['categories'] as Record<string, unknown>[]).forEach((c, i) => {
    const at = `categories[${i}]`;
    const family = oneOf(c['family'], `${at}.family`, FAMILIES);
    const code = CategoryCode(`${family}.${String(c['major'])}.${String(c['minor'])}`, `${at}.code`);
    const [, , major = '', minor = ''] = CODE.exec(code) ?? [];
    if (!majors.has(`${family}.${major}`)) throw violation(`${at}.major`, `major class ${family}.${major} is not declared`);
    if (categories.has(code)) throw violation(at, `duplicate category ${code}`);
    categories.set(code, {
      code,
      family,
      major,
      minor,
      name: name(c['name'], `${at}.name`),
      deadline: deadline(c['deadline'], `${at}.deadline`),
      urgency: oneOf(c['urgency'], `${at}.urgency`, URGENCIES),
      unitType: oneOf(c['unitType'], `${at}.unitType`, UNIT_TYPES),
    });
  });
  return { version: typeof o['version'] === 'string' ? o['version'] : 'unversioned', majors, categories };
}

/** The category a code names; a malformed or unknown code is a ValidationError on `field`. */
export function lookupCategory(table: CategoryTable, code: unknown, field = 'category'): Category {
  const found = table.categories.get(CategoryCode(code, field));
  if (!found) throw new ValidationError(`unknown category ${String(code)}`, [{ field, message: `not in category table ${table.version}` }]);
  return found;
}

export const majorClassOf = (table: CategoryTable, category: Category): MajorClass | undefined =>
  table.majors.get(`${category.family}.${category.major}`);

/** The table shipped in data/categories.json. */
export const shippedCategoryTable = (): CategoryTable => parseCategoryTable(shipped);
