import type { LoggedEvent, RecordedEvent } from '../events/envelope';
import type { ReadModels } from './read-model';

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
}
