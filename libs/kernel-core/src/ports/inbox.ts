import type { LoggedEvent } from '../events/envelope';

/**
 * A consumer group's memory of the events it already handled: Kafka delivers at least once, the
 * inbox turns every repeat into a skip.
 */
export interface Inbox {
  has(group: string, eventId: string): Promise<boolean>;
  /** Records the event as handled; false when it already was (a concurrent duplicate got there first). */
  record(group: string, event: LoggedEvent, handledAt?: Date): Promise<boolean>;
  /** Optional: which of these event ids the group already handled (one round of lookups for a batch). */
  hasMany?(group: string, eventIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Optional: records a batch of handled events at once; ones already recorded are left as they are. */
  recordMany?(group: string, events: readonly LoggedEvent[], handledAt?: Date): Promise<void>;
}
