import { ValidationError } from '@yiwang/kernel-core';
import { KNOWN_COUNTERS, type Counters } from './case-counters';
import shipped from '../../../data/indicators.json';

/**
 * Indicators as configuration: each is numerator / denominator, both sums of named counters
 * (a `-` prefix subtracts). E.g. 按期结案率 = closedOnTime / (due − suspended).
 */
export type Term = Readonly<{ counter: string; sign: 1 | -1 }>;
export type IndicatorDefinition = Readonly<{
  id: string;
  name: Readonly<{ zh: string; en: string }>;
  numerator: readonly Term[];
  denominator: readonly Term[];
  better: 'higher' | 'lower';
}>;
export type IndicatorConfig = ReadonlyMap<string, IndicatorDefinition>;

export type IndicatorValue = Readonly<{ numerator: number; denominator: number; /** null when nothing was due */ rate: number | null }>;

function terms(raw: unknown, field: string): Term[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0) throw new ValidationError(`${field} must name counters`, [{ field, message: 'empty' }]);
  return list.map((t, i) => {
    if (typeof t !== 'string') throw new ValidationError(`${field}[${i}] must be a counter name`, [{ field: `${field}[${i}]`, message: String(t) }]);
    const negative = t.startsWith('-');
    const counter = negative ? t.slice(1) : t;
    if (!KNOWN_COUNTERS.includes(counter)) {
      throw new ValidationError(`unknown counter ${counter} in ${field}`, [{ field: `${field}[${i}]`, message: `known: ${KNOWN_COUNTERS.join(', ')}` }]);
    }
    return { counter, sign: negative ? -1 : 1 };
  });
}

export function parseIndicatorConfig(raw: unknown): IndicatorConfig {
  const indicators = ((raw ?? {}) as Record<string, unknown>)['indicators'];
  if (typeof indicators !== 'object' || indicators === null) throw new ValidationError('indicator config needs "indicators"', [{ field: 'indicators', message: 'missing' }]);
  const config = new Map<string, IndicatorDefinition>();
  for (const [id, def] of Object.entries(indicators as Record<string, Record<string, unknown>>)) {
    const name = (def['name'] ?? {}) as Record<string, unknown>;
    const better = def['better'] ?? 'higher';
    if (better !== 'higher' && better !== 'lower') throw new ValidationError(`${id}.better must be higher or lower`, [{ field: `${id}.better`, message: String(better) }]);
    config.set(id, {
      id,
      name: { zh: String(name['zh'] ?? id), en: String(name['en'] ?? id) },
      numerator: terms(def['numerator'], `${id}.numerator`),
      denominator: terms(def['denominator'], `${id}.denominator`),
      better,
    });
  }
  return config;
}

const sum = (ts: readonly Term[], counters: Counters): number => ts.reduce((acc, t) => acc + t.sign * (counters[t.counter] ?? 0), 0);

/** One indicator over summed counters; a missing counter counts 0. */
export function evaluateIndicator(def: IndicatorDefinition, counters: Counters): IndicatorValue {
  const numerator = sum(def.numerator, counters);
  const denominator = sum(def.denominator, counters);
  return { numerator, denominator, rate: denominator > 0 ? numerator / denominator : null };
}

export function evaluateIndicators(config: IndicatorConfig, counters: Counters): Record<string, IndicatorValue> {
  return Object.fromEntries([...config.values()].map((def) => [def.id, evaluateIndicator(def, counters)]));
}

/** The formulas shipped in data/indicators.json. */
export const shippedIndicatorConfig = (): IndicatorConfig => parseIndicatorConfig(shipped);
