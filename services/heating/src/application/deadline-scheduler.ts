import { IllegalStateError, NotFoundError, uuidv7, type ReadModels } from '@yiwang/kernel-core';
import { DeadlineScan, type DueOutcome } from '@yiwang/working-time';
import { MongoLease } from '@yiwang/kernel-mongodb';
import type { Db } from 'mongodb';
import { type Actor } from '../domain';
import { type ComplaintService } from './complaint-service';
import { MODELS, type DeadlineDoc } from './projections/complaint-views';

export const DEADLINE_ACTOR: Actor = { subject: 'deadline-checker', department: 'system.heating', roles: ['system'] };

/**
 * Heating's clock-hour limits (measure within 24 h / 10 h, fix within 24 h) on the shared durable
 * DeadlineScan: the `deadlines` read model holds one small document per running limit; the replica
 * holding the lease marks the missed ones overdue with their 督办, once per deadline (the decider's
 * rule and a command id derived from complaint and deadline).
 */
export class DeadlineScheduler {
  private readonly scan: DeadlineScan<DeadlineDoc>;

  constructor(options: {
    db: Db;
    complaints: ComplaintService;
    models: () => Promise<ReadModels>;
    intervalMs?: number;
    onError?: (e: unknown) => void;
  }) {
    const { complaints } = options;
    this.scan = new DeadlineScan<DeadlineDoc>({
      lease: new MongoLease(options.db, 'heating:deadline-scheduler', `deadlines-${uuidv7()}`, { ttlMs: 10_000 }),
      clock: complaints.clock,
      intervalMs: options.intervalMs ?? 5_000,
      due: async (nowMs) => (await options.models()).model<DeadlineDoc>(MODELS.deadlines).find({ dueMs: { $lte: nowMs } }),
      act: async (d): Promise<DueOutcome> => {
        try {
          await complaints.execute(d.complaintId, ({ at }) => ({ type: 'MarkOverdue', actor: DEADLINE_ACTOR, data: { at } }), {
            actor: DEADLINE_ACTOR,
            commandId: `overdue:${d.complaintId}:${d.deadline}`,
            correlationId: `overdue:${d.complaintId}:${d.deadline}`,
          });
          return 'acted';
        } catch (e) {
          // Measured or fixed since the read model saw it: nothing to do.
          if (e instanceof IllegalStateError || e instanceof NotFoundError) return 'skipped';
          throw e;
        }
      },
      onError: (e) => options.onError?.(e),
    });
  }

  start(): void {
    this.scan.start();
  }
  stop(): Promise<void> {
    return this.scan.stop();
  }
  /** Scans at once and stops backing off (a test or drill moved the clock). */
  wake(): void {
    this.scan.wake();
  }
  scanOnce(): Promise<number> {
    return this.scan.scanOnce();
  }
}
