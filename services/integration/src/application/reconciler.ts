import type { EventStore, Fence } from '@yiwang/kernel-core';
import { SYNC_EVENT_TYPES, type CentreState } from '../domain';
import { type CentreLink, type CentreCaseState } from './ports';
import { type SyncService } from './sync-service';

export interface Repair {
  readonly caseId: string;
  readonly reason: string;
  readonly centre: Readonly<{ state: CentreState | null; sequence: number; unitId: string | null }>;
  readonly ours: Readonly<{ state: CentreState; sequence: number; unitId: string | null }>;
  readonly repairEventId: string;
}

export interface ReconciliationReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Cases the centre listed. */
  readonly checked: number;
  /** Cases skipped because updates are still on their way to the centre (not drift). */
  readonly inFlight: number;
  readonly repaired: readonly Repair[];
}

/**
 * Compares the centre's copy of each case with ours and repairs drift by queueing our latest state
 * again (as a repair update with a new event id, so the centre's de-duplication does not swallow
 * it). Cases with unacknowledged updates are skipped: they are in flight, not drifted. Runs on a
 * schedule (`IntervalRunner`) and on demand (HTTP); only one pass runs at a time per process.
 */
export class Reconciler {
  private running: Promise<ReconciliationReport> | null = null;
  private last: ReconciliationReport | null = null;

  constructor(
    private readonly deps: {
      centre: CentreLink;
      sync: SyncService;
      store: EventStore;
      pageSize?: number;
      now?: () => Date;
      onReport?: (r: ReconciliationReport) => void;
    },
  ) {}

  get lastReport(): ReconciliationReport | null {
    return this.last;
  }

  /**
   * One pass (a pass already running is joined). The scheduled run passes its lease's fence: a
   * replica that lost the reconciler lease mid-pass queues no further repair.
   */
  run(fence?: Fence): Promise<ReconciliationReport> {
    this.running ??= this.pass(fence).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(fence?: Fence): Promise<ReconciliationReport> {
    const now = this.deps.now ?? (() => new Date());
    const startedAt = now().toISOString();
    let checked = 0;
    let inFlight = 0;
    const repaired: Repair[] = [];
    let pageToken = '';
    const seen = new Set<string>();
    do {
      const page = await this.deps.centre.listCaseStates({ updatedSince: null, pageSize: this.deps.pageSize ?? 200, pageToken });
      for (const theirs of page.cases) {
        checked++;
        seen.add(theirs.caseId);
        const outcome = await this.compare(theirs, fence);
        if (outcome === 'in_flight') inFlight++;
        else if (outcome) repaired.push(outcome);
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    // Cases we linked that the centre does not list at all (lost on its side).
    for (const caseId of await this.linkedCases()) {
      if (seen.has(caseId)) continue;
      checked++;
      const outcome = await this.compare(
        {
          caseId,
          externalId: '',
          sequence: 0,
          state: null,
          unitId: null,
          deadline: null,
          lastEventId: '',
        },
        fence,
      );
      if (outcome === 'in_flight') inFlight++;
      else if (outcome) repaired.push(outcome);
    }
    const report: ReconciliationReport = { startedAt, finishedAt: now().toISOString(), checked, inFlight, repaired };
    this.last = report;
    this.deps.onReport?.(report);
    return report;
  }

  /** Every case ever linked to the centre, from the ordered log (a scan: fine for a periodic job). */
  private async linkedCases(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let after = 0; ;) {
      const page = await this.deps.store.readAll({ after, limit: 1_000, types: [SYNC_EVENT_TYPES.linked] });
      if (page.length === 0) return ids;
      for (const e of page) ids.add((e.data as { caseId: string }).caseId);
      after = page[page.length - 1]!.position;
    }
  }

  private async compare(theirs: CentreCaseState, fence?: Fence): Promise<Repair | 'in_flight' | null> {
    const { state } = await this.deps.sync.state(theirs.caseId);
    const ours = state.latest;
    if (!state.link || !ours) return null; // a case we never sent: not ours to repair
    if (state.unacknowledged.length > 0) return 'in_flight';
    const diffs: string[] = [];
    if (theirs.state !== ours.state) diffs.push(`state ${theirs.state ?? 'unknown'} ≠ ${ours.state}`);
    if (theirs.sequence !== ours.sequence) diffs.push(`sequence ${theirs.sequence} ≠ ${ours.sequence}`);
    if ((theirs.unitId ?? null) !== ours.unitId) diffs.push(`unit ${theirs.unitId ?? '-'} ≠ ${ours.unitId ?? '-'}`);
    if (theirs.deadline !== null && ours.deadline !== null && Date.parse(theirs.deadline) !== Date.parse(ours.deadline))
      diffs.push('deadline differs');
    if (diffs.length === 0) return null;
    const reason = diffs.join('; ');
    const centre = { state: theirs.state, sequence: theirs.sequence, unitId: theirs.unitId };
    await fence?.();
    const repairEventId = await this.deps.sync.repair(theirs.caseId, reason, centre);
    return {
      caseId: theirs.caseId,
      reason,
      centre,
      ours: { state: ours.state, sequence: ours.sequence, unitId: ours.unitId },
      repairEventId,
    };
  }
}
