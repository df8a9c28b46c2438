import type { Collection, Db } from 'mongodb';

interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
  acquiredAt: Date;
}

export interface LeaseOptions {
  /** How long a lease lasts without renewal. A dead holder is replaced after at most this long. */
  readonly ttlMs?: number;
  readonly now?: () => Date;
}

const isDuplicateKey = (e: unknown): boolean => (e as { code?: number })?.code === 11000;

/**
 * A named lease in MongoDB, so that exactly one replica runs a singleton job (the sequencer,
 * the relay, a projection). One conditional `findOneAndUpdate` per attempt: take it when free or
 * expired, renew it when ours. Works on MongoDB and FerretDB (no transactions).
 */
export class MongoLease {
  private readonly leases: Collection<LeaseDoc>;
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(
    db: Db,
    readonly name: string,
    readonly owner: string,
    options: LeaseOptions = {},
  ) {
    this.leases = db.collection<LeaseDoc>('leases');
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Takes or renews the lease; true when this owner holds it afterwards. */
  async tryAcquire(): Promise<boolean> {
    const now = this.now();
    try {
      const doc = await this.leases.findOneAndUpdate(
        { _id: this.name, $or: [{ owner: this.owner }, { expiresAt: { $lt: now } }] },
        { $set: { owner: this.owner, expiresAt: new Date(now.getTime() + this.ttlMs), acquiredAt: now } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.owner === this.owner;
    } catch (e) {
      // The upsert lost to a live holder: the filter did not match, the insert hit the unique _id.
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async release(): Promise<void> {
    await this.leases.deleteOne({ _id: this.name, owner: this.owner });
  }

  async holder(): Promise<{ owner: string; expiresAt: Date } | null> {
    const doc = await this.leases.findOne({ _id: this.name });
    return doc && doc.expiresAt > this.now() ? { owner: doc.owner, expiresAt: doc.expiresAt } : null;
  }

  get ttl(): number {
    return this.ttlMs;
  }
}
