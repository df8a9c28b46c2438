import type { LoggedEvent, RecordedEvent } from '../events/envelope';
import type { ReadModels } from '../ports/read-models';

/**
 * A projection turns events into read models. `apply` must be deterministic and write only through
 * the `ReadModel`s it is given (whose guards make it idempotent), so that replaying the log from 0
 * into a fresh generation yields the same documents as the live one.
 */
export interface Projection {
  readonly name: string;
  /** Event types it cares about; others are skipped without a read. */
  readonly handles: readonly string[];
  apply(event: LoggedEvent | RecordedEvent, models: ReadModels): Promise<void>;
  /**
   * Optional: the handled events of one log batch at once, in log order. A projection whose
   * documents are fed by many streams (totals, week tables, list buckets) writes each of them once
   * per batch instead of once per event. It must leave the same documents as `apply` on each event
   * in turn, so a replay in batches of any size converges to the same read models.
   */
  applyBatch?(events: readonly LoggedEvent[], models: ReadModels): Promise<void>;
}
