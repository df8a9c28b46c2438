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
    // findOne by `_id`, not countDocuments: an aggregation, which FerretDB 1.24 answers with a scan.
    return (await this.collection.findOne({ _id: MongoInbox.key(group, eventId) }, { projection: { _id: 1 } })) !== null;
  }

  /** Parallel `_id` lookups (an `$in` filter is a scan of the whole inbox on FerretDB 1.24). */
  async hasMany(group: string, eventIds: readonly string[]): Promise<ReadonlySet<string>> {
    const seen = new Set<string>();
    const ids = [...new Set(eventIds)];
    for (let i = 0; i < ids.length; i += 16) {
      const found = await Promise.all(ids.slice(i, i + 16).map(async (id) => ((await this.has(group, id)) ? id : null)));
      for (const id of found) if (id !== null) seen.add(id);
    }
    return seen;
  }

  /** One unordered `insertMany`; records that already exist (a duplicate got there first) are skipped. */
  async recordMany(group: string, events: readonly LoggedEvent[], handledAt: Date = new Date()): Promise<void> {
    const docs = new Map<string, InboxDoc>();
    for (const e of events)
      docs.set(e.id, {
        _id: MongoInbox.key(group, e.id),
        group,
        eventId: e.id,
        type: e.type,
        streamId: e.streamId,
        position: e.position,
        handledAt,
      });
    if (docs.size === 0) return;
    try {
      await this.collection.insertMany([...docs.values()], { ordered: false });
    } catch (e) {
      const errors = (e as { writeErrors?: Array<{ code?: number }> | { code?: number } } | null)?.writeErrors;
      const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
      if (list.length > 0 ? list.every((w) => w.code === 11000) : isDuplicateKey(e)) return;
      throw e;
    }
  }

  /** Records the event as handled; false when it already was (a concurrent duplicate got there first). */
  async record(group: string, event: LoggedEvent, handledAt: Date = new Date()): Promise<boolean> {
    try {
      await this.collection.insertOne({
        _id: MongoInbox.key(group, event.id),
        group,
        eventId: event.id,
        type: event.type,
        streamId: event.streamId,
        position: event.position,
        handledAt,
      });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }
}
