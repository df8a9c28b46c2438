import { invalid } from './values';

/**
 * Mainland licence plates (GA 36-2018): a province character, a letter for the issuing office,
 * then five characters (blue, yellow and the special suffixes 挂 学 警 港 澳) or, for new-energy
 * vehicles, six (D/F + letter/digit + 4 digits for small cars, 5 digits + D/F for large ones).
 * I and O are never used, to avoid confusion with 1 and 0.
 */
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const L = 'A-HJ-NP-Z';
const ORDINARY = new RegExp(`^[${PROVINCES}][${L}][${L}0-9]{4}[${L}0-9挂学警港澳]$`);
const NEW_ENERGY = new RegExp(`^[${PROVINCES}][${L}](?:[DF][${L}0-9][0-9]{4}|[0-9]{5}[DF])$`);

export type PlateKind = 'ordinary' | 'new_energy';

/** Plates as officers and cameras write them: upper case, without spaces, dots or dashes. */
export function normalizePlate(raw: string): string {
  return raw.replace(/[\s·.\-]/g, '').toUpperCase();
}

/** The plate in normal form and its kind; a ValidationError names the formats it may take. */
export function parsePlate(raw: unknown, field = 'plate'): { plate: string; kind: PlateKind } {
  if (typeof raw !== 'string') invalid(field, 'must be a licence plate');
  const plate = normalizePlate(raw);
  if (NEW_ENERGY.test(plate)) return { plate, kind: 'new_energy' };
  if (ORDINARY.test(plate)) return { plate, kind: 'ordinary' };
  return invalid(field, `not a mainland plate: "${raw}" (7 characters like 豫H12345, or 8 for new-energy like 豫HD12345)`);
}

/**
 * A plate as events carry it: never in clear. `hash` is a keyed hash (HMAC, key `keyId`) for
 * finding repeat offenders; `sealed` is the plate sealed by the vault for the vehicle's subject,
 * unreadable once erased.
 */
export type VehicleRef = Readonly<{ plateHash: string; hashKeyId: string; plateSealed: string; vehicleType: string }>;

export const VEHICLE_TYPES = ['small_car', 'large_car', 'new_energy_small', 'new_energy_large', 'motorcycle', 'trailer', 'other'] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

export function vehicleRef(value: VehicleRef, field = 'vehicle'): VehicleRef {
  if (!/^[0-9a-f]{16,128}$/.test(value.plateHash)) invalid(`${field}.plateHash`, 'must be a hex keyed hash');
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(value.hashKeyId)) invalid(`${field}.hashKeyId`, 'must name the hash key');
  if (value.plateSealed === '' || value.plateSealed.length > 400) invalid(`${field}.plateSealed`, 'must be the sealed plate');
  if (!(VEHICLE_TYPES as readonly string[]).includes(value.vehicleType))
    invalid(`${field}.vehicleType`, `must be one of ${VEHICLE_TYPES.join(', ')}`);
  return value;
}
