import { IllegalStateError, NotFoundError, uuidv7, type ReadModels } from '@yiwang/kernel-core';
import { DeadlineScan, type DueOutcome } from '@yiwang/working-time';
import { MongoLease } from '@yiwang/kernel-mongodb';
import type { Db } from 'mongodb';
import { inspectionDecider, inspectionStreamId, Roles, type Actor } from '../domain';
import { type SanitationService } from './sanitation-service';
import { ASSESSMENT_MODELS, type RectificationDueDoc } from './projections/assessment';

export const DEADLINE_ACTOR: Actor = { subject: 'rectification-deadlines', department: 'system.sanitation', roles: [Roles.system] };

export interface RectificationSchedulerOptions {
  readonly db: Db;
  readonly service: SanitationService;
  readonly models: () => Promise<ReadModels>;
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Rectification deadlines through the shared durable scan: the `rectifications` read model holds
 * one small document per open rectification; the lease holder marks those past due as overdue
 * (once per deadline, by the decider's rule). A restart finds every missed deadline.
 */
export class RectificationScheduler {
  private readonly scan: DeadlineScan<RectificationDueDoc>;

  constructor(private readonly options: RectificationSchedulerOptions) {
    this.scan = new DeadlineScan<RectificationDueDoc>({
      lease: new MongoLease(options.db, 'sanitation:rectification-deadlines', `rectifications-${uuidv7()}`, { ttlMs: 10_000 }),
      clock: options.service.clock,
      intervalMs: options.intervalMs ?? 5_000,
      due: async (nowMs) =>
        (await this.options.models()).model<RectificationDueDoc>(ASSESSMENT_MODELS.rectifications).find({ dueMs: { $lte: nowMs } }),
      act: (d) => this.act(d),
      onError: (e) => this.options.onError?.(e),
    });
  }

  start(): void {
    this.scan.start();
  }

  stop(): Promise<void> {
    return this.scan.stop();
  }

  scanOnce(): Promise<number> {
    return this.scan.scanOnce();
  }

  private async act(d: RectificationDueDoc): Promise<DueOutcome> {
    const { service } = this.options;
    try {
      await service.execute(
        inspectionDecider,
        inspectionStreamId(d.inspectionId),
        { type: 'MarkRectificationOverdue', actor: DEADLINE_ACTOR, data: { at: service.now() } },
        {
          actor: DEADLINE_ACTOR,
          commandId: `rectification-overdue:${d.inspectionId}:${d.deadline}`,
          correlationId: `rectification-overdue:${d.inspectionId}`,
        },
      );
      return 'acted';
    } catch (e) {
      // Completed or corrected since the read model saw it: nothing to mark.
      if (e instanceof IllegalStateError || e instanceof NotFoundError) return 'skipped';
      throw e;
    }
  }
}
