import { ValidationError } from '@yiwang/kernel-core';
import { KNOWN_COUNTERS, type Counters } from './case-counters';
import shipped from '../../../data/indicators.json';

/**
 * Indicators as configuration. A rate counts cases (or reports): its denominator is a population
 * — the rows whose flags all hold, e.g. `["due", "-suspended"]` = due and not suspended at the
 * period's end — and its numerator a sub-population of it, e.g. `["due", "-suspended",
 * "closedOnTime"]`. A `-` prefix means the flag does not hold. Because both sides count the same
 * rows, a rate lies within 0–100 %; a formula whose numerator could count a row its denominator
 * does not is refused when the formulas load.
 */
export type Literal = Readonly<{ counter: string; holds: boolean }>;
export type Population = readonly Literal[];
export type IndicatorDefinition = Readonly<{
  id: string;
  name: Readonly<{ zh: string; en: string }>;
  /** The population rule in words, as published beside the table. */
  population: Readonly<{ zh: string; en: string }>;
  numerator: Population;
  denominator: Population;
  better: 'higher' | 'lower';
}>;
export type IndicatorConfig = ReadonlyMap<string, IndicatorDefinition>;

export type Tally = Readonly<{ numerator: number; denominator: number }>;
export type IndicatorValue = Readonly<{
  numerator: number;
  denominator: number;
  /** null when the population is empty */ rate: number | null;
}>;

/**
 * What holds of every row by construction of the counters (case-counters.ts, report-counters.ts;
 * the property test checks each at random moments of random histories). A numerator may rely on
 * these instead of repeating the denominator's flags: `closed` implies `due` and `-suspended`.
 */
export const IMPLIED: Readonly<Record<string, readonly string[]>> = {
  closedOnTime: ['closed'],
  closed: ['due', '-suspended', 'verified'],
  suspended: ['due'],
  due: ['dispatched'],
  handledOnTime: ['handled'],
  verified: ['handled'],
  reworked: ['verified'],
  handled: ['dispatched'],
  extended: ['dispatched'],
  overdue: ['dispatched'],
  filed: ['received', '-rejected'],
  autoFiled: ['filed'],
  rejected: ['received', '-filed'],
  duplicate: ['received'],
};

const text = (l: Literal): string => (l.holds ? l.counter : `-${l.counter}`);

/** The literals a population guarantees, its own and those they imply. */
export function impliedLiterals(population: Population): Set<string> {
  const known = new Set<string>();
  const pending = population.map(text);
  while (pending.length > 0) {
    const l = pending.pop()!;
    if (known.has(l)) continue;
    known.add(l);
    pending.push(...(IMPLIED[l] ?? []));
  }
  return known;
}

function literals(raw: unknown, field: string): Literal[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0) throw new ValidationError(`${field} must name counters`, [{ field, message: 'empty' }]);
  return list.map((t, i) => {
    if (typeof t !== 'string')
      throw new ValidationError(`${field}[${i}] must be a counter name`, [{ field: `${field}[${i}]`, message: String(t) }]);
    const holds = !t.startsWith('-');
    const counter = holds ? t : t.slice(1);
    if (!KNOWN_COUNTERS.includes(counter)) {
      throw new ValidationError(`unknown counter ${counter} in ${field}`, [
        { field: `${field}[${i}]`, message: `known: ${KNOWN_COUNTERS.join(', ')}` },
      ]);
    }
    return { counter, holds };
  });
}

/** A numerator must count only rows of its denominator's population (or the rate could pass 100 %). */
function checkSubset(id: string, numerator: Population, denominator: Population): void {
  const guaranteed = impliedLiterals(numerator);
  const missing = denominator.map(text).filter((l) => !guaranteed.has(l));
  if (missing.length > 0) {
    throw new ValidationError(
      `${id}: the numerator's population is not within the denominator's (it does not guarantee ${missing.join(', ')})`,
      [{ field: `${id}.numerator`, message: `add ${missing.join(', ')}` }],
    );
  }
  const population = impliedLiterals(denominator);
  const contradictions = [...population].filter((l) => !l.startsWith('-') && population.has(`-${l}`));
  if (contradictions.length > 0)
    throw new ValidationError(`${id}: the denominator's population is always empty`, [
      { field: `${id}.denominator`, message: `${contradictions.join(', ')} and not` },
    ]);
}

function bilingual(raw: unknown, fallback: string): { zh: string; en: string } {
  const r = (raw ?? {}) as Record<string, unknown>;
  return { zh: String(r['zh'] ?? fallback), en: String(r['en'] ?? fallback) };
}

export function parseIndicatorConfig(raw: unknown): IndicatorConfig {
  const indicators = ((raw ?? {}) as Record<string, unknown>)['indicators'];
  if (typeof indicators !== 'object' || indicators === null)
    throw new ValidationError('indicator config needs "indicators"', [{ field: 'indicators', message: 'missing' }]);
  const config = new Map<string, IndicatorDefinition>();
  for (const [id, def] of Object.entries(indicators as Record<string, Record<string, unknown>>)) {
    const better = def['better'] ?? 'higher';
    if (better !== 'higher' && better !== 'lower')
      throw new ValidationError(`${id}.better must be higher or lower`, [{ field: `${id}.better`, message: String(better) }]);
    if (typeof def['population'] !== 'object' || def['population'] === null) {
      throw new ValidationError(`${id} must state its population rule`, [{ field: `${id}.population`, message: 'missing ({ zh, en })' }]);
    }
    const numerator = literals(def['numerator'], `${id}.numerator`);
    const denominator = literals(def['denominator'], `${id}.denominator`);
    checkSubset(id, numerator, denominator);
    config.set(id, { id, name: bilingual(def['name'], id), population: bilingual(def['population'], ''), numerator, denominator, better });
  }
  return config;
}

/** Whether a row (its counters at the evaluated moment) belongs to a population. */
export const within = (population: Population, counters: Counters): boolean =>
  population.every((l) => (counters[l.counter] ?? 0) > 0 === l.holds);

export const numeratorKey = (id: string): string => `${id}.numerator`;
export const denominatorKey = (id: string): string => `${id}.denominator`;

/**
 * One row's contribution to each indicator: 1 or 0 under `<id>.numerator` and `<id>.denominator`.
 * Summed over any set of rows (a unit, a district, the whole period) they give that set's tallies.
 */
export function tallyRow(config: IndicatorConfig, counters: Counters): Record<string, number> {
  const tallies: Record<string, number> = {};
  for (const def of config.values()) {
    const inDenominator = within(def.denominator, counters);
    tallies[denominatorKey(def.id)] = inDenominator ? 1 : 0;
    tallies[numeratorKey(def.id)] = inDenominator && within(def.numerator, counters) ? 1 : 0;
  }
  return tallies;
}

export const rateOf = ({ numerator, denominator }: Tally): IndicatorValue => ({
  numerator,
  denominator,
  rate: denominator > 0 ? numerator / denominator : null,
});

/** One indicator from summed tallies (see {@link tallyRow}); a missing tally counts 0. */
export const tallyOf = (def: Pick<IndicatorDefinition, 'id'>, tallies: Counters): Tally => ({
  numerator: tallies[numeratorKey(def.id)] ?? 0,
  denominator: tallies[denominatorKey(def.id)] ?? 0,
});

export function evaluateTallies(config: IndicatorConfig, tallies: Counters): Record<string, IndicatorValue> {
  return Object.fromEntries([...config.values()].map((def) => [def.id, rateOf(tallyOf(def, tallies))]));
}

/** The indicators of a set of rows (their counters at the evaluated moment). */
export function evaluateRows(config: IndicatorConfig, rows: readonly Counters[]): Record<string, IndicatorValue> {
  const sum: Record<string, number> = {};
  for (const counters of rows) for (const [k, n] of Object.entries(tallyRow(config, counters))) sum[k] = (sum[k] ?? 0) + n;
  return evaluateTallies(config, sum);
}

/** The formulas shipped in data/indicators.json. */
export const shippedIndicatorConfig = (): IndicatorConfig => parseIndicatorConfig(shipped);
