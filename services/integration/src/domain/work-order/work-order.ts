import { ValidationError } from '@yiwang/kernel-core';
import { type CategoryCodeTable } from './category-code-table';

export const WORK_ORDER_SOURCES = ['hotline_12345', 'city_app', 'leader_mailbox', 'centre_patrol', 'other_department'] as const;
export type WorkOrderSource = (typeof WORK_ORDER_SOURCES)[number];

/** A work order as it arrived, already out of protobuf (absent fields are undefined or empty). */
export interface WorkOrderInput {
  readonly externalId: string;
  readonly source: WorkOrderSource | 'unspecified';
  readonly categoryCode: string;
  readonly location: Readonly<{ lat: number; lon: number }> | undefined;
  readonly crs: 'wgs84' | 'gcj02' | 'bd09';
  readonly address: string;
  readonly description: string;
  readonly contacts: ReadonlyArray<Readonly<{ name: string; phone: string }>>;
  readonly deadline: Date | undefined;
  /** The flat of a heating complaint (checked by intake, which hands such reports to heating). */
  readonly household?: Household;
}

export type Household = Readonly<{ compound: string; building: string; unit: string; room: string }>;

/** A work order Yiwang accepts: the centre's category already mapped to ours. */
export interface WorkOrder {
  readonly externalId: string;
  readonly source: WorkOrderSource;
  readonly centreCategory: string;
  readonly category: string;
  readonly location: Readonly<{ lat: number; lon: number }>;
  readonly crs: 'wgs84' | 'gcj02' | 'bd09';
  readonly description: string;
  readonly contact: Readonly<{ name?: string; phone?: string }> | undefined;
  readonly deadline: Date | null;
  readonly household?: Household;
}

const EXTERNAL_ID = /^[A-Za-z0-9._-]{1,64}$/;
const PHONE = /^\+?[0-9][0-9-]{3,18}[0-9]$/;

/**
 * Checks every field at once, so the centre learns all that is wrong in one answer, each problem
 * phrased so its engineers can act on it. Throws ValidationError; nothing is stored before this.
 */
export function validateWorkOrder(input: WorkOrderInput, table: CategoryCodeTable, now: Date): WorkOrder {
  const violations: Array<{ field: string; message: string }> = [];
  const bad = (field: string, message: string): void => void violations.push({ field, message });

  if (!EXTERNAL_ID.test(input.externalId)) bad('external_id', 'required: 1..64 letters, digits, ".", "_" or "-"');
  if (input.source === 'unspecified') bad('source', `required: one of ${WORK_ORDER_SOURCES.join(', ')}`);
  const category = table.yiwangCodeOf(input.categoryCode);
  if (input.categoryCode === '') bad('category_code', `required (code table ${table.version})`);
  else if (!category) bad('category_code', `"${input.categoryCode}" is not in the shared code table ${table.version}`);
  const loc = input.location;
  if (!loc) bad('location', 'required');
  else {
    if (!Number.isFinite(loc.lat) || loc.lat < -90 || loc.lat > 90) bad('location.latitude', 'must be -90..90');
    if (!Number.isFinite(loc.lon) || loc.lon < -180 || loc.lon > 180) bad('location.longitude', 'must be -180..180');
    if (loc.lat === 0 && loc.lon === 0) bad('location', '0,0 is not a place in the city (unset coordinates?)');
  }
  if (input.address.length > 200) bad('address', 'at most 200 characters');
  const description = input.description.trim();
  if (description === '') bad('description', 'required');
  else if (description.length > 2000) bad('description', 'at most 2000 characters');
  if (input.contacts.length > 3) bad('contacts', 'at most 3');
  input.contacts.forEach((c, i) => {
    if (c.phone !== '' && !PHONE.test(c.phone))
      bad(`contacts[${i}].phone`, 'digits with an optional leading "+" and "-", 5..20 characters');
    if (c.name.length > 50) bad(`contacts[${i}].name`, 'at most 50 characters');
  });
  if (input.deadline && input.deadline.getTime() <= now.getTime()) bad('deadline', `must lie in the future (now ${now.toISOString()})`);

  if (violations.length > 0 || !category || !loc || input.source === 'unspecified') {
    throw new ValidationError(`work order ${input.externalId || '(no external_id)'} refused`, violations);
  }
  const first = input.contacts.find((c) => c.name !== '' || c.phone !== '');
  const withAddress = input.address.trim() === '' ? description : `${description}（${input.address.trim()}）`;
  return {
    externalId: input.externalId,
    source: input.source,
    centreCategory: input.categoryCode,
    category,
    location: loc,
    crs: input.crs,
    description: withAddress,
    contact: first ? { ...(first.name ? { name: first.name } : {}), ...(first.phone ? { phone: first.phone } : {}) } : undefined,
    deadline: input.deadline ?? null,
    ...(input.household ? { household: input.household } : {}),
  };
}
