import { IllegalStateError, NotFoundError, uuidv7, type ReadModels } from '@yiwang/kernel-core';
import { DeadlineScan, type DueOutcome } from '@yiwang/working-time';
import { MongoLease } from '@yiwang/kernel-mongodb';
import type { Db } from 'mongodb';
import { Roles, type Actor } from '../domain';
import { type EnforcementCases } from './case-service';
import { MODELS, type DeadlineDoc } from './projections/case-view';

/** The scan acts as the system: marking a missed statutory period is nobody's discretion. */
export const DEADLINE_ACTOR: Actor = { subject: 'deadline-scan', department: 'system.enforcement', roles: [Roles.system] };

export interface DeadlineSchedulerOptions {
  readonly db: Db;
  readonly cases: EnforcementCases;
  readonly models: () => Promise<ReadModels>;
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Durable statutory deadlines: the `deadlines` read model holds each case's earliest running,
 * unmarked period; whichever replica holds the lease scans it with the shared DeadlineScan and
 * marks what passed (`deadline_missed`), once per period (the decider's rule and a command id
 * derived from case, kind and deadline). The projector then moves the case to its next period.
 */
export class EnforcementDeadlines {
  private readonly scan: DeadlineScan<DeadlineDoc>;

  constructor(private readonly options: DeadlineSchedulerOptions) {
    this.scan = new DeadlineScan<DeadlineDoc>({
      lease: new MongoLease(options.db, 'enforcement:deadline-scan', `deadlines-${uuidv7()}`, { ttlMs: 10_000 }),
      clock: options.cases.clock,
      intervalMs: options.intervalMs ?? 5_000,
      due: async (nowMs) => (await options.models()).model<DeadlineDoc>(MODELS.deadlines).find({ dueMs: { $lt: nowMs } }),
      act: (d) => this.act(d),
      onError: (e) => options.onError?.(e),
    });
  }

  start(): void {
    this.scan.start();
  }

  stop(): Promise<void> {
    return this.scan.stop();
  }

  wake(): void {
    this.scan.wake();
  }

  scanOnce(): Promise<number> {
    return this.scan.scanOnce();
  }

  private async act(d: DeadlineDoc): Promise<DueOutcome> {
    try {
      const result = await this.options.cases.execute(
        d.caseId,
        ({ at }) => ({ type: 'MarkDeadlineMissed', actor: DEADLINE_ACTOR, data: { kind: d.kind, deadline: d.deadline, at } }),
        {
          actor: DEADLINE_ACTOR,
          commandId: `missed:${d.caseId}:${d.kind}:${d.deadline}`,
          correlationId: `missed:${d.caseId}:${d.kind}`,
        },
      );
      return result.events.length > 0 && !result.replayed ? 'acted' : 'skipped';
    } catch (e) {
      // The case moved on since the read model saw it (served, paid, extended): nothing to mark.
      if (e instanceof IllegalStateError || e instanceof NotFoundError) return 'skipped';
      throw e;
    }
  }
}
