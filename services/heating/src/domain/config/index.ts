import shipped from '../../../data/heating-cities.json';
import { cityConfig, type CityConfig } from './heating-config';

export * from './refund-rules';
export * from './heating-config';

/** The cities shipped in data/heating-cities.json (jiaozuo: Beijing's refund rule, 24 h; harbin: Harbin's, 10 h). */
export const SHIPPED_CITIES = Object.keys(shipped);

export function shippedCityConfig(city = 'jiaozuo'): CityConfig {
  const raw = (shipped as Record<string, unknown>)[city];
  if (!raw) throw new Error(`no shipped heating configuration for city ${city} (have ${SHIPPED_CITIES.join(', ')})`);
  return cityConfig(raw);
}
