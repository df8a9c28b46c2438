import type { Collection, Db } from 'mongodb';
import type { LeaseFactory, RelayCheckpointStore } from '@yiwang/kernel-core';
import { mongoLeases } from '../leases/mongo-lease';

interface CheckpointDoc {
  /** The topic the relay publishes to. */
  _id: string;
  /** Last log position the broker acknowledged. */
  position: number;
  updatedAt: Date;
  owner: string;
}

const isDuplicateKey = (e: unknown): boolean => (e as { code?: number } | null)?.code === 11000;

/** Where each relay got to, one document per topic in `relay_checkpoints`. */
export class MongoRelayCheckpoints implements RelayCheckpointStore {
  readonly collection: Collection<CheckpointDoc>;

  constructor(db: Db) {
    this.collection = db.collection<CheckpointDoc>('relay_checkpoints');
  }

  /** The last acknowledged position (0 when the relay never published). */
  async get(topic: string): Promise<number> {
    const doc = await this.collection.findOne({ _id: topic });
    return doc?.position ?? 0;
  }

  /**
   * Moves the checkpoint forward, never back: a relay that lost its lease while its last send was in
   * flight may still store an (older) position after the new holder stored a newer one.
   */
  async advance(topic: string, position: number, owner: string): Promise<void> {
    const update = { $max: { position }, $set: { updatedAt: new Date(), owner } };
    try {
      await this.collection.updateOne({ _id: topic }, update, { upsert: true });
    } catch (e) {
      // Two first-time upserts raced on the _id; the document exists now, so update it.
      if (!isDuplicateKey(e)) throw e;
      await this.collection.updateOne({ _id: topic }, update);
    }
  }
}

/** What a relay keeps in the service's database: its lease and its checkpoint. Spread into `EventRelay`'s options. */
export const mongoRelayStorage = (db: Db): { readonly leases: LeaseFactory; readonly checkpoints: RelayCheckpointStore } => ({
  leases: mongoLeases(db),
  checkpoints: new MongoRelayCheckpoints(db),
});
