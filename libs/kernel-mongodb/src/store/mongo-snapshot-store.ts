import type { Collection, Db } from 'mongodb';
import type { Snapshot, SnapshotStore } from '@yiwang/kernel-core';
import { COLLECTIONS } from './documents';

interface SnapshotDocument {
  _id: string;
  version: number;
  /** Bumped by the aggregate's code when the state shape changes; older snapshots are ignored. */
  schema: number;
  state: unknown;
  takenAt: Date;
}

/**
 * Snapshots of an aggregate's state at a version, so loading a long stream (a case with years of
 * history, a facility inspected daily) reads one document plus the events after it.
 * A snapshot is a cache: losing one only costs a longer load.
 */
export class MongoSnapshotStore implements SnapshotStore {
  private readonly snapshots: Collection<SnapshotDocument>;

  constructor(db: Db) {
    this.snapshots = db.collection<SnapshotDocument>(COLLECTIONS.snapshots);
  }

  async load<State>(streamId: string, schema: number): Promise<Snapshot<State> | null> {
    const doc = await this.snapshots.findOne({ _id: streamId });
    if (!doc || doc.schema !== schema) return null;
    return { version: doc.version, state: doc.state as State };
  }

  /** Keeps the newest snapshot only; an older one never overwrites a newer one. */
  async save<State>(streamId: string, schema: number, version: number, state: State): Promise<void> {
    const doc = { version, schema, state, takenAt: new Date() };
    const r = await this.snapshots.updateOne(
      { _id: streamId, $or: [{ version: { $lt: version } }, { schema: { $ne: schema } }] },
      { $set: doc },
    );
    if (r.matchedCount === 0) {
      try {
        await this.snapshots.insertOne({ _id: streamId, ...doc });
      } catch {
        // A newer snapshot exists (or was just written by a concurrent handler): nothing to do.
      }
    }
  }
}
