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

/** `<name>#head`: a hint of the latest term, so contenders find it by `_id` (walking forward from it). */
interface LeaseHeadDoc {
  _id: string;
  term: number;
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
 *
 * Every call is an `_id` lookup or write (FerretDB answers nothing else from an index): the holder
 * renews its term's document after checking that term n+1 does not exist; contenders read the
 * head hint and walk forward term by term.
 */
export class MongoLease implements Lease {
  private readonly terms: Collection<LeaseTermDoc>;
  private readonly heads: Collection<LeaseHeadDoc>;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private heldTerm: number | null = null;
  /** The latest term this process saw, where the next walk starts. */
  private knownTerm: number | null = null;
  /** The expiry this process last wrote on its term (by its own clock). */
  private heldUntil = 0;

  constructor(
    db: Db,
    readonly name: string,
    readonly owner: string,
    options: LeaseOptions = {},
  ) {
    this.terms = db.collection<LeaseTermDoc>('leases');
    this.heads = db.collection<LeaseHeadDoc>('leases');
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
  }

  private key(term: number): string {
    return `${this.name}#${term}`;
  }

  /** Takes or renews the lease; true when this owner holds it afterwards. */
  async tryAcquire(): Promise<boolean> {
    const now = this.now();
    if (this.heldTerm !== null) {
      const held = this.heldTerm;
      const successor = await this.terms.findOne({ _id: this.key(held + 1) }, { projection: { _id: 1 } });
      if (!successor) {
        const expiresAt = new Date(now.getTime() + this.ttlMs);
        const r = await this.terms.updateOne({ _id: this.key(held), owner: this.owner }, { $set: { expiresAt } });
        if (r.matchedCount === 1) {
          this.heldUntil = expiresAt.getTime();
          return true;
        }
      }
      this.heldTerm = null;
    }
    const current = await this.latest();
    if (current && current.owner === this.owner && current.expiresAt > now) {
      // Ours from before (e.g. a renewal whose answer was lost): take it back by renewing it.
      const expiresAt = new Date(now.getTime() + this.ttlMs);
      await this.terms.updateOne({ _id: current._id, owner: this.owner }, { $set: { expiresAt } });
      this.heldTerm = current.term;
      this.heldUntil = expiresAt.getTime();
      return true;
    }
    if (current && current.expiresAt > now) return false;
    const term = (current?.term ?? 0) + 1;
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    try {
      await this.terms.insertOne({ _id: this.key(term), name: this.name, term, owner: this.owner, expiresAt, acquiredAt: now });
    } catch (e) {
      if (isDuplicateKey(e)) return false; // another contender claimed this term first
      throw e;
    }
    this.heldTerm = term;
    this.heldUntil = expiresAt.getTime();
    this.knownTerm = term;
    // A hint only (not atomic on FerretDB, and need not be): contenders walk forward from it.
    await this.heads.updateOne({ _id: `${this.name}#head` }, { $set: { term } }, { upsert: true }).catch(() => undefined);
    // Older terms are history now; keep the collection small.
    if (term > 2) await this.terms.deleteOne({ _id: this.key(term - 2) }).catch(() => undefined);
    return true;
  }

  /** The latest term's document: from the last term seen (or the head hint), forward by `_id`. */
  private async latest(): Promise<LeaseTermDoc | null> {
    let doc: LeaseTermDoc | null = null;
    if (this.knownTerm !== null) doc = await this.terms.findOne({ _id: this.key(this.knownTerm) });
    if (!doc) {
      const hint = (await this.heads.findOne({ _id: `${this.name}#head` }))?.term;
      if (hint !== undefined)
        doc =
          (await this.terms.findOne({ _id: this.key(hint) })) ?? (hint > 1 ? await this.terms.findOne({ _id: this.key(hint - 1) }) : null);
    }
    if (!doc) {
      // No hint yet (a lease taken before hints existed, or never): the one sorted read.
      doc = await this.terms.find({ name: this.name }).sort({ term: -1 }).limit(1).next();
    }
    if (!doc) return null;
    let latest: LeaseTermDoc = doc;
    for (;;) {
      const next: LeaseTermDoc | null = await this.terms.findOne({ _id: this.key(latest.term + 1) });
      if (!next) break;
      latest = next;
    }
    this.knownTerm = latest.term;
    return latest;
  }

  /**
   * Fencing before a write: our term has not run out (by our clock) and no contender has taken
   * term n+1 — one `_id` read, the same one a renewal starts with. A contender inserts n+1 only
   * once it sees n expired, so a holder that paused past its expiry, or one whose clock lags the
   * contender's, learns it here and stops writing.
   */
  async verify(): Promise<boolean> {
    const held = this.heldTerm;
    if (held === null || this.now().getTime() >= this.heldUntil) return false;
    const successor = await this.terms.findOne({ _id: this.key(held + 1) }, { projection: { _id: 1 } });
    if (!successor) return this.heldTerm === held;
    if (this.heldTerm === held) this.heldTerm = null;
    this.knownTerm = Math.max(this.knownTerm ?? 0, held + 1);
    return false;
  }

  /** Ends our term early so a stand-by takes over without waiting for the expiry. */
  async release(): Promise<void> {
    if (this.heldTerm === null) return;
    await this.terms.updateOne({ _id: this.key(this.heldTerm), owner: this.owner }, { $set: { expiresAt: new Date(0) } });
    this.heldTerm = null;
  }

  async holder(): Promise<{ owner: string; term: number; expiresAt: Date } | null> {
    const doc = await this.latest();
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
