import { type Siting, type Standards } from '../standards/standards';
import { fail, positiveNumber, text } from '../shared/values';

/** One 以克论净 sample: the dust swept from a frame at a point, weighed. */
export type Sample = Readonly<{ point: string; grams: number; frameAreaM2: number; gramsPerM2: number; passed: boolean }>;
export type SampleInput = Readonly<{ point?: unknown; grams?: unknown; frameAreaM2?: unknown }>;

/** Grams per m² to 0.01 g, so that 10.0 g on 1 m² is exactly the limit however the float was sent. */
export const density = (grams: number, areaM2: number): number => Math.round((grams / areaM2) * 100) / 100;

export type RoadResult = Readonly<{
  samples: readonly Sample[];
  limitGramsPerM2: number;
  meanGramsPerM2: number;
  passed: boolean;
  findings: readonly string[];
}>;

/** 以克论净: each sample passes at ≤ the limit; the road by the city's rule (all samples, or their mean). */
export function judgeRoad(inputs: readonly SampleInput[], standards: Standards): RoadResult {
  const { gram } = standards;
  if (!Array.isArray(inputs) || inputs.length < gram.minSamples || inputs.length > 50) {
    fail(
      'samples',
      `a road needs at least ${gram.minSamples} sample points (at most 50), got ${Array.isArray(inputs) ? inputs.length : 0}`,
    );
  }
  const samples = inputs.map((s, i): Sample => {
    const grams = positiveNumber(s.grams, `samples[${i}].grams`, { zero: true, max: 100_000 });
    const frameAreaM2 =
      s.frameAreaM2 === undefined || s.frameAreaM2 === 0
        ? gram.frameAreaM2
        : positiveNumber(s.frameAreaM2, `samples[${i}].frameAreaM2`, { max: 100 });
    const gramsPerM2 = density(grams, frameAreaM2);
    const point = s.point === undefined || s.point === '' ? `P${i + 1}` : text(s.point, `samples[${i}].point`, 100);
    return { point, grams, frameAreaM2, gramsPerM2, passed: gramsPerM2 <= gram.limitGramsPerM2 };
  });
  const meanGramsPerM2 = Math.round((samples.reduce((a, s) => a + s.gramsPerM2, 0) / samples.length) * 100) / 100;
  const passed = gram.roadPasses === 'all_samples' ? samples.every((s) => s.passed) : meanGramsPerM2 <= gram.limitGramsPerM2;
  const findings = samples.filter((s) => !s.passed).map((s) => `样点 ${s.point}: ${s.gramsPerM2} g/m² > ${gram.limitGramsPerM2} g/m²`);
  if (!passed && findings.length === 0) findings.push(`均值 ${meanGramsPerM2} g/m² > ${gram.limitGramsPerM2} g/m²`);
  return { samples, limitGramsPerM2: gram.limitGramsPerM2, meanGramsPerM2, passed, findings };
}

export type ToiletInput = Readonly<{
  odourLevel?: unknown;
  fliesPerM2?: unknown;
  failedItems?: unknown;
  suppliesOk?: unknown;
  openingHoursKept?: unknown;
}>;
export type ToiletResult = Readonly<{
  odourLevel: number;
  maxOdourLevel: number;
  fliesPerM2: number;
  maxFliesPerM2: number;
  failedItems: readonly string[];
  suppliesOk: boolean;
  openingHoursKept: boolean;
  passed: boolean;
  findings: readonly string[];
}>;

/** A toilet inspection: odour level (1–4) within its class's limit, flies within its siting's limit, items, supplies, hours. */
export function judgeToilet(input: ToiletInput, toilet: { toiletClass: string; siting: Siting }, standards: Standards): ToiletResult {
  const odourLevel = input.odourLevel;
  if (typeof odourLevel !== 'number' || !Number.isInteger(odourLevel) || odourLevel < 1 || odourLevel > 4)
    fail('odourLevel', `odour level is 1–4, got ${JSON.stringify(odourLevel)}`);
  const fliesPerM2 = positiveNumber(input.fliesPerM2 ?? 0, 'fliesPerM2', { zero: true, max: 10_000 });
  const failedItems = Array.isArray(input.failedItems) ? input.failedItems.map((x, i) => text(x, `failedItems[${i}]`, 100)) : [];
  const maxOdourLevel =
    standards.toilets.maxOdourLevelByClass.get(toilet.toiletClass) ?? fail('toiletClass', `no odour limit for class ${toilet.toiletClass}`);
  const maxFliesPerM2 = standards.toilets.maxFliesPerM2BySiting[toilet.siting];
  const suppliesOk = input.suppliesOk !== false;
  const openingHoursKept = input.openingHoursKept !== false;
  const findings = [
    ...(odourLevel > maxOdourLevel ? [`臭味 ${odourLevel} 级 > ${toilet.toiletClass} 类公厕限值 ${maxOdourLevel} 级`] : []),
    ...(fliesPerM2 > maxFliesPerM2 ? [`苍蝇 ${fliesPerM2} 只/m² > ${maxFliesPerM2} 只/m²`] : []),
    ...failedItems.map((i) => `保洁不合格: ${i}`),
    ...(suppliesOk ? [] : ['耗材不足']),
    ...(openingHoursKept ? [] : ['未按时开放']),
  ];
  return {
    odourLevel,
    maxOdourLevel,
    fliesPerM2,
    maxFliesPerM2,
    failedItems,
    suppliesOk,
    openingHoursKept,
    passed: findings.length === 0,
    findings,
  };
}

export const STATION_ITEMS = ['leachate', 'odour', 'tidiness', 'equipment'] as const;
export type StationItem = (typeof STATION_ITEMS)[number];
const STATION_ZH: Record<StationItem, string> = { leachate: '渗滤液', odour: '臭味', tidiness: '整洁', equipment: '设备' };
export type StationResult = Readonly<{ failedItems: readonly StationItem[]; passed: boolean; findings: readonly string[] }>;

/** A transfer-station inspection: leachate, odour, tidiness and equipment, each passed or failed. */
export function judgeStation(failedItems: unknown): StationResult {
  if (!Array.isArray(failedItems)) fail('failedItems', 'must be a list');
  const items = [...new Set(failedItems)].map((x, i) =>
    (STATION_ITEMS as readonly unknown[]).includes(x)
      ? (x as StationItem)
      : fail(`failedItems[${i}]`, `must be one of ${STATION_ITEMS.join(', ')}`),
  );
  return { failedItems: items, passed: items.length === 0, findings: items.map((i) => `${STATION_ZH[i]}不合格`) };
}

/** Pass rate in per cent to 2 decimals (691 / 720 → 95.97); null when nothing was sampled. */
export const passRate = (passed: number, total: number): number | null =>
  total === 0 ? null : Math.round((passed / total) * 10_000) / 100;
