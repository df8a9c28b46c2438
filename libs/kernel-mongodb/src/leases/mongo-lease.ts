import type { Collection, Db } from 'mongodb';
import type { Lease, LeaseFactory } from '@yiwang/kernel-core';

interface LeaseTermDoc {
  /** `<name>#<term>`: claiming a term is an insert, which the unique _id makes exclusive. */
  _id: string;
  name: string;
  term: number;
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
 * A named lease in MongoDB, so that exactly one replica runs a singleton job (the sequencer, the
 * relay, a projector).
 *
 * Why terms and inserts, not one document and `findOneAndUpdate`: FerretDB 1.24 does not make a
 * conditional update atomic (concurrent `findOneAndUpdate({owner: null})` calls all "win", `$inc`
 * loses increments), while a unique-key insert is exclusive on MongoDB and FerretDB alike. So a
 * contender takes over by inserting term n+1 once term n has expired, and only the holder of a
 * term ever updates (renews) that term's document.
 */
export class MongoLease implements Lease {
  private readonly terms: Collection<LeaseTermDoc>;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private heldTerm: number | null = null;

  constructor(
    db: Db,
    readonly name: string,
    readonly owner: string,
    options: LeaseOptions = {},
  ) {
    this.terms = db.collection<LeaseTermDoc>('leases');
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Takes or renews the lease; true when this owner holds it afterwards. */
  async tryAcquire(): Promise<boolean> {
    const now = this.now();
    const current = await this.terms.find({ name: this.name }).sort({ term: -1 }).limit(1).next();
    if (current && current.owner === this.owner && current.term === this.heldTerm) {
      await this.terms.updateOne({ _id: current._id }, { $set: { expiresAt: new Date(now.getTime() + this.ttlMs) } });
      return true;
    }
    this.heldTerm = null;
    if (current && current.expiresAt > now) return false;
    const term = (current?.term ?? 0) + 1;
    try {
      await this.terms.insertOne({ _id: `${this.name}#${term}`, name: this.name, term, owner: this.owner, expiresAt: new Date(now.getTime() + this.ttlMs), acquiredAt: now });
    } catch (e) {
      if (isDuplicateKey(e)) return false; // another contender claimed this term first
      throw e;
    }
    this.heldTerm = term;
    // Older terms are history now; keep the collection small.
    await this.terms.deleteMany({ name: this.name, term: { $lt: term - 1 } }).catch(() => undefined);
    return true;
  }

  /** Ends our term early so a stand-by takes over without waiting for the expiry. */
  async release(): Promise<void> {
    if (this.heldTerm === null) return;
    await this.terms.updateOne({ _id: `${this.name}#${this.heldTerm}`, owner: this.owner }, { $set: { expiresAt: new Date(0) } });
    this.heldTerm = null;
  }

  async holder(): Promise<{ owner: string; term: number; expiresAt: Date } | null> {
    const doc = await this.terms.find({ name: this.name }).sort({ term: -1 }).limit(1).next();
    return doc && doc.expiresAt > this.now() ? { owner: doc.owner, term: doc.term, expiresAt: doc.expiresAt } : null;
  }

  /** The term this process holds, for fencing writes (null when not holding). */
  get term(): number | null {
    return this.heldTerm;
  }

  get ttl(): number {
    return this.ttlMs;
  }
}

/** Leases in `db`'s `leases` collection, for adapters that take a {@link LeaseFactory}. */
export const mongoLeases =
  (db: Db): LeaseFactory =>
  (name, owner, options) =>
    new MongoLease(db, name, owner, options);
