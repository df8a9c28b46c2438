import type { Collection, Db } from 'mongodb';
import type { Inbox, LoggedEvent } from '@yiwang/kernel-core';

/** One handled event of one consumer group. */
export interface InboxDoc {
  /** `<group>:<eventId>`: the unique key is what makes a second delivery a no-op. */
  _id: string;
  group: string;
  eventId: string;
  type: string;
  streamId: string;
  position: number;
  handledAt: Date;
}

const isDuplicateKey = (e: unknown): boolean => (e as { code?: number } | null)?.code === 11000;

/**
 * The consumer side's memory of what it already handled, in the consuming service's database
 * (collection `inbox`). Kafka delivers at least once (relay re-publishes, rebalances, restarts);
 * the inbox turns every repeat into a skip.
 *
 * Without multi-document transactions the record is written right after the handler succeeds, so
 * a crash between the two re-applies that one event on redelivery: handlers that must never apply
 * twice should also be naturally idempotent (e.g. a conditional update on the stream version).
 */
export class MongoInbox implements Inbox {
  readonly collection: Collection<InboxDoc>;

  constructor(db: Db, collectionName = 'inbox') {
    this.collection = db.collection<InboxDoc>(collectionName);
  }

  static key(group: string, eventId: string): string {
    return `${group}:${eventId}`;
  }

  async has(group: string, eventId: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: MongoInbox.key(group, eventId) }, { limit: 1 })) > 0;
  }

  /** Records the event as handled; false when it already was (a concurrent duplicate got there first). */
  async record(group: string, event: LoggedEvent, handledAt: Date = new Date()): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: MongoInbox.key(group, event.id), group, eventId: event.id, type: event.type, streamId: event.streamId, position: event.position, handledAt });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }
}
