/**
 * What a period's scores are computed from: counters per facility, each fed by its sources (an
 * inspection, a closed work day). A source's contribution is replaced when it changes (a
 * correction, an overdue rectification), so counters never double-count.
 */
export const COUNTERS = [
  'samples',
  'failedSamples',
  'inspections',
  'failedInspections',
  'failedToiletInspections',
  'failedStationInspections',
  'overdueRectifications',
  'daysClosed',
  'runsRequired',
  'runsDone',
  'missingRuns',
  'patrolHoursShort',
  'tonnes',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Readonly<Record<Counter, number>>;

export const zeroCounters = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

export function addCounters(a: Counters, b: Partial<Counters>): Counters {
  const out: Record<Counter, number> = { ...a };
  for (const c of COUNTERS) out[c] = Math.round((a[c] + (b[c] ?? 0)) * 1000) / 1000;
  return out;
}

/** The facility a contribution belongs to, with the dimensions it is ranked by. */
export type FacilityKey = Readonly<{ facilityId: string; facilityKind: string; name: string; district: string; contractor: string }>;
export type Contribution = FacilityKey & Readonly<{ counters: Partial<Counters> }>;

/** An inspection's contribution, from its current result and rectification. */
export function inspectionContribution(
  key: FacilityKey,
  outcome: Readonly<{ passed: boolean; samples: ReadonlyArray<{ passed: boolean }> }>,
  rectificationOverdue: boolean,
): Contribution {
  const failed = outcome.passed ? 0 : 1;
  return {
    ...key,
    counters: {
      inspections: 1,
      failedInspections: failed,
      samples: outcome.samples.length,
      failedSamples: outcome.samples.filter((s) => !s.passed).length,
      failedToiletInspections: key.facilityKind === 'toilet' ? failed : 0,
      failedStationInspections: key.facilityKind === 'transfer_station' ? failed : 0,
      overdueRectifications: rectificationOverdue ? 1 : 0,
    },
  };
}

/** A closed work day's contribution: the compliance finding. */
export function dayContribution(
  key: FacilityKey,
  day: Readonly<{ runsRequired: number; runsDone: number; missingRuns: number; patrolHoursShort: number; tonnes: number }>,
): Contribution {
  return {
    ...key,
    counters: {
      daysClosed: 1,
      runsRequired: day.runsRequired,
      runsDone: day.runsDone,
      missingRuns: day.missingRuns,
      patrolHoursShort: day.patrolHoursShort,
      tonnes: day.tonnes,
    },
  };
}

/** Sums contributions per facility. */
export function facilityTotals(contributions: Iterable<Contribution>): Map<string, FacilityKey & { counters: Counters }> {
  const out = new Map<string, FacilityKey & { counters: Counters }>();
  for (const c of contributions) {
    const cur = out.get(c.facilityId);
    const { counters, ...key } = c;
    out.set(c.facilityId, { ...key, counters: addCounters(cur?.counters ?? zeroCounters(), counters) });
  }
  return out;
}
