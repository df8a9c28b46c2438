import { OneAtATime } from '@yiwang/kernel-core';
import type { Projector } from '@yiwang/kernel-mongodb';
import { findDuplicateMaster, type DuplicateMatch, type DuplicatePolicy, type DuplicateProbe, type OpenReport } from '../domain';
import { DUPLICATE_SEARCH_RADIUS_METERS, indexModels, openKeysAround, toOpenReport } from './projections/report-index-projection';

/** How long a report filed here is remembered in memory, to bridge the projector's lag. */
const RECENT_MS = 120_000;

/**
 * Finds the open report a new one duplicates. Candidates come from the `open_by_tile` index
 * (an `_id` lookup per tile the probe's radius reaches, same category) plus the reports this process filed in the last two minutes, which the
 * projector may not have reached yet. Searches of one category run one at a time in this process
 * (`exclusive`), so two identical reports arriving together cannot both become masters.
 * Across several intake instances that last guarantee holds only after the projector's lag
 * (~100 ms); the supervision centre can still merge by hand (MarkDuplicate).
 */
export class DuplicateFinder {
  private readonly recent = new Map<string, { entry: OpenReport; until: number }[]>();
  private readonly locks = new OneAtATime();

  constructor(
    private readonly index: Projector,
    private readonly policy: DuplicatePolicy,
  ) {
    const widest = Math.max(policy.maxDistanceMeters, ...Object.values(policy.byChannel ?? {}).map((c) => c?.maxDistanceMeters ?? 0));
    if (widest > DUPLICATE_SEARCH_RADIUS_METERS) {
      throw new Error(`duplicate distance ${widest} m is beyond the ${DUPLICATE_SEARCH_RADIUS_METERS} m the open-report tiles can search`);
    }
  }

  async find(probe: DuplicateProbe): Promise<DuplicateMatch | null> {
    const open = indexModels(await this.index.models()).open;
    const radius = this.policy.byChannel?.[probe.channel]?.maxDistanceMeters ?? this.policy.maxDistanceMeters;
    const docs = await Promise.all(openKeysAround(probe.category, probe.location, radius).map((k) => open.get(k)));
    const fromIndex = docs.flatMap((doc) => (doc?.open ?? []).map((e) => toOpenReport(probe.category, e)));
    const now = Date.now();
    const local = (this.recent.get(probe.category) ?? []).filter((x) => x.until > now).map((x) => x.entry);
    const seen = new Set(fromIndex.map((c) => c.reportId));
    return findDuplicateMaster(probe, [...fromIndex, ...local.filter((c) => !seen.has(c.reportId))], this.policy);
  }

  /** A report was just filed here: a candidate at once, before the index shows it. */
  remember(entry: OpenReport): void {
    const now = Date.now();
    const list = (this.recent.get(entry.category) ?? []).filter((x) => x.until > now);
    list.push({ entry, until: now + RECENT_MS });
    this.recent.set(entry.category, list);
  }

  /** Runs `work` after every earlier search-and-append of the same category in this process. */
  exclusive<T>(category: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(category, work);
  }
}
