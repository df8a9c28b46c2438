import { text, violation } from '../shared/values';
import { type Category } from '../categories/category';
import { type CategorySnapshot, type Channel } from './report-events';

/**
 * Reports another service handles instead of dispatch. A household's heating complaint (a
 * category of unit type `heating` that names the flat) goes to the heating service, which measures
 * in the flat and owes the refund; a burst pipe or a manhole cover in the street (same unit type,
 * no household) is still dispatched to the heating unit like any other case.
 */
export type Household = Readonly<{ compound: string; building: string; unit: string; room: string }>;
export type Handover = Readonly<{ service: 'heating'; household: Household; description: string; channel: Channel }>;

export function validateHousehold(raw: unknown, category: CategorySnapshot): Household | null {
  if (raw === undefined || raw === null) return null;
  const h = raw as Partial<Record<keyof Household, unknown>>;
  if (h.compound === '' && h.building === '' && h.unit === '' && h.room === '') return null;
  if (category.unitType !== 'heating')
    throw violation('household', `only a heating complaint names a household (category ${category.code} is ${category.unitType})`);
  const part = (key: keyof Household): string => {
    const v = text(h[key], `household.${key}`, { max: 40 });
    if (/[:\s]/.test(v)) throw violation(`household.${key}`, 'must not contain spaces or ":"');
    return v;
  };
  return { compound: part('compound'), building: part('building'), unit: part('unit'), room: part('room') };
}

/** The major class of emergencies (突发事件) among events, as GB/T 30428.2 numbers it. */
const EMERGENCIES = '04';

/**
 * Whether every report of a category is a household's complaint: an event (事件) of heating's unit
 * type that is not an emergency, i.e. about the heat a flat receives (供热温度不达标). Heating's
 * components (热力井盖) and emergencies (供热管道泄漏) are in the street: they name no flat and are
 * dispatched. Channels that ask for the flat per category (Open311's service definitions) ask here.
 */
export function isHouseholdComplaint(category: Pick<Category, 'family' | 'major' | 'unitType'>): boolean {
  return category.unitType === 'heating' && category.family === 'event' && category.major !== EMERGENCIES;
}

/** The hand-over a received report implies (null: dispatch handles it). */
export function handoverOf(
  d: Readonly<{ household?: Household | undefined; category: CategorySnapshot; description: string; channel: Channel }>,
): Handover | null {
  if (!d.household || d.category.unitType !== 'heating') return null;
  return { service: 'heating', household: d.household, description: d.description, channel: d.channel };
}
