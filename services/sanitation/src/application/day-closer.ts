import { LeasedWorker, uuidv7, type Fence } from '@yiwang/kernel-core';
import { MongoLease } from '@yiwang/kernel-mongodb';
import type { Db } from 'mongodb';
import { Roles, shanghaiDay, type Actor } from '../domain';
import { type SanitationCommands } from './commands';
import { type SanitationService } from './sanitation-service';

export const DAY_CLOSER_ACTOR: Actor = { subject: 'day-closer', department: 'system.sanitation', roles: [Roles.system] };
const JOB_ID = 'day-close';
/** A service down for longer catches up this many days at most (older days stay open for an operator's CloseDay). */
const MAX_CATCH_UP_DAYS = 7;

export interface DayCloserOptions {
  readonly db: Db;
  readonly service: SanitationService;
  readonly commands: SanitationCommands;
  readonly intervalMs: number;
  /** Late gateway batches of a day are still taken this long after it ended. */
  readonly graceMs: number;
  readonly onError?: (error: unknown) => void;
}

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The daily close as a leased job: the holder closes every ended day (once its grace has passed)
 * after the last it closed, recorded in one job document read by `_id`. Closing is idempotent per
 * road and day, so a holder that dies half-way leaves nothing for the next to do twice.
 */
export class DayCloser {
  private readonly worker: LeasedWorker;

  constructor(private readonly options: DayCloserOptions) {
    this.worker = new LeasedWorker({
      lease: new MongoLease(options.db, 'sanitation:day-close', `day-close-${uuidv7()}`, { ttlMs: 10_000 }),
      pollIntervalMs: options.intervalMs,
      step: (fence) => this.step(fence),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  start(): void {
    this.worker.start();
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  wake(): void {
    this.worker.wake();
  }

  /** The last day that ended more than the grace ago. */
  lastDue(): string {
    const now = this.options.service.clock.now().getTime();
    return shanghaiDay(new Date(now - this.options.graceMs - 86_400_000).toISOString());
  }

  private async step(fence: Fence): Promise<boolean> {
    const jobs = this.options.db.collection<{ _id: string; lastClosed: string }>('sanitation_jobs');
    const due = this.lastDue();
    const doc = await jobs.findOne({ _id: JOB_ID });
    if (doc && doc.lastClosed >= due) return false;
    const earliest = new Date(Date.parse(`${due}T00:00:00Z`) - (MAX_CATCH_UP_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    let day = doc ? nextDay(doc.lastClosed) : due;
    if (day < earliest) day = earliest;
    await fence();
    await this.options.commands.closeDay(day, DAY_CLOSER_ACTOR);
    await fence();
    await jobs.updateOne({ _id: JOB_ID }, { $set: { lastClosed: day } }, { upsert: true });
    return true;
  }
}
