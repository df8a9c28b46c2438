import { IllegalStateError, NotFoundError, uuidv7, type ReadModels } from '@yiwang/kernel-core';
import { DeadlineScan, type DueOutcome } from '@yiwang/working-time';
import { MongoLease } from '@yiwang/kernel-mongodb';
import type { Db } from 'mongodb';
import { type Actor } from '../domain';
import { type ParkingApp } from './parking-app';
import { MODELS, type DeadlineDoc } from './projections/read-model-docs';

/** The deadline scan acts as the system for every squad. */
export const DEADLINE_ACTOR: Actor = { subject: 'parking-deadlines', department: 'system.parking', roles: ['system'] };

export interface DeadlineSchedulerOptions {
  readonly db: Db;
  readonly app: ParkingApp;
  readonly models: () => Promise<ReadModels>;
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Parking's durable deadlines on the shared DeadlineScan: a notice ignored or a fine unpaid past
 * its transfer date is handed to the traffic police (a recorded hand-over); a removal order past
 * its deadline is marked overdue for the squad's reminder. The deadlines live in a read model, so
 * a restart finds every one that passed meanwhile; each act is idempotent (command id per deadline).
 */
export class ParkingDeadlines {
  private readonly scan: DeadlineScan<DeadlineDoc>;

  constructor(private readonly options: DeadlineSchedulerOptions) {
    this.scan = new DeadlineScan<DeadlineDoc>({
      lease: new MongoLease(options.db, 'parking:deadlines', `deadlines-${uuidv7()}`, { ttlMs: 10_000 }),
      clock: options.app.deps.clock,
      intervalMs: options.intervalMs ?? 5_000,
      due: async (nowMs) => (await options.models()).model<DeadlineDoc>(MODELS.deadlines).find({ dueMs: { $lte: nowMs } }),
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

  scanOnce(): Promise<number> {
    return this.scan.scanOnce();
  }

  private async act(d: DeadlineDoc): Promise<DueOutcome> {
    const { app } = this.options;
    const options = {
      actor: DEADLINE_ACTOR,
      commandId: `${d.action}:${d.subjectId}:${d.due}`,
      correlationId: `deadline:${d.subjectId}:${d.due}`,
    };
    try {
      if (d.action === 'transfer') {
        await app.violation(
          d.subjectId,
          (at) => ({ type: 'TransferToTrafficPolice', actor: DEADLINE_ACTOR, data: { handoverRef: `AUTO-${d.subjectId}`, at } }),
          options,
        );
      } else {
        await app.obstruction(d.subjectId, (at) => ({ type: 'MarkRemovalOverdue', actor: DEADLINE_ACTOR, data: { at } }), options);
      }
      return 'acted';
    } catch (e) {
      // The record moved on since the read model saw it (paid, removed): nothing to do.
      if (e instanceof IllegalStateError || e instanceof NotFoundError) return 'skipped';
      throw e;
    }
  }
}
