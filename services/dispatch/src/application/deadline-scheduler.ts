import { IllegalStateError, NotFoundError, uuidv7, type ReadModels } from '@yiwang/kernel-core';
import { DeadlineScan, type DueOutcome } from '@yiwang/working-time';
import { MongoLease } from '@yiwang/kernel-mongodb';
import type { Db } from 'mongodb';
import { type Actor } from '../domain';
import { type CaseService } from './case-service';
import { MODELS, type DeadlineDoc } from './projections/case-lists';

/**
 * The deadline checker acts for the command centre: marking overdue is a system step, and the
 * supervision that follows (自动督办) is the centre's, hence both roles.
 */
export const DEADLINE_ACTOR: Actor = { subject: 'deadline-checker', department: 'system.dispatch', roles: ['system', 'centre.command'] };

export interface DeadlineSchedulerOptions {
  readonly db: Db;
  readonly cases: CaseService;
  /** The case-lists projection's read models (current generation). */
  readonly models: () => Promise<ReadModels>;
  readonly intervalMs?: number;
  readonly leaseTtlMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Durable deadlines: the `deadlines` read model (case → deadline, one small document per case
 * whose deadline runs) is scanned by whichever replica holds the lease, on the service's clock.
 * Nothing lives only in memory, so a restart (or a clock that jumped) still finds every missed
 * deadline. Each step is idempotent: MarkOverdue once per deadline by the decider, the
 * supervision by a command id derived from case and deadline.
 */
export class DeadlineScheduler {
  private readonly scan: DeadlineScan<DeadlineDoc>;

  constructor(private readonly options: DeadlineSchedulerOptions) {
    const { cases } = options;
    this.scan = new DeadlineScan<DeadlineDoc>({
      lease: new MongoLease(options.db, 'dispatch:deadline-scheduler', `deadlines-${uuidv7()}`, { ttlMs: options.leaseTtlMs ?? 10_000 }),
      clock: cases.clock,
      intervalMs: options.intervalMs ?? 5_000,
      due: async (nowMs) => (await this.options.models()).model<DeadlineDoc>(MODELS.deadlines).find({ dueMs: { $lte: nowMs } }),
      act: (d) => this.act(d),
      onError: (e) => this.options.onError?.(e),
    });
  }

  start(): void {
    this.scan.start();
  }

  async stop(): Promise<void> {
    await this.scan.stop();
  }

  wake(): void {
    this.scan.wake();
  }

  /** One scan: every case past its deadline gets its overdue mark and supervision. Returns how many were acted on. */
  scanOnce(): Promise<number> {
    return this.scan.scanOnce();
  }

  private async act(d: DeadlineDoc): Promise<DueOutcome> {
    if (d.markedFor === d.deadline && d.supervisedFor === d.deadline) return 'skipped';
    const { cases } = this.options;
    try {
      const options = { actor: DEADLINE_ACTOR, correlationId: `overdue:${d.caseId}:${d.deadline}` };
      await cases.execute(d.caseId, ({ at }) => ({ type: 'MarkOverdue', actor: DEADLINE_ACTOR, data: { at } }), options);
      await cases.execute(
        d.caseId,
        ({ at }) => ({ type: 'Supervise', actor: DEADLINE_ACTOR, data: { note: `超期督办: 处置时限 ${d.deadline} 已过`, at } }),
        { ...options, commandId: `overdue-supervise:${d.caseId}:${d.deadline}` },
      );
      return 'acted';
    } catch (e) {
      // The case moved on since the read model saw it (handled, extended, returned): nothing to do.
      if (e instanceof IllegalStateError || e instanceof NotFoundError) return 'skipped';
      throw e;
    }
  }
}
