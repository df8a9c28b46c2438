import { type Db, MongoBulkWriteError } from 'mongodb';
import { type VaultKeyStore } from '@yiwang/kernel-mongodb';

type KeyDoc = { _id: string; wrapped: string; createdAt: Date };
type Waiting = { doc: KeyDoc; resolve: () => void; reject: (e: unknown) => void };

/**
 * The vault's key documents (`personal_data_keys`), with the keys created by concurrent seals
 * written in one `insertMany` instead of one insert each: a camera batch seals one new plate per
 * violation, and on FerretDB every write is a transaction of its single writer. A key another
 * writer created first fails with its own duplicate-key error (code 11000), as a lone insert would,
 * so the vault reads the winner's key. Reads and deletes go straight through (an erasure is never
 * delayed, and nothing is cached).
 */
export class CoalescingVaultKeys implements VaultKeyStore {
  private waiting: Waiting[] = [];
  private readonly keys;

  constructor(db: Db, collection = 'personal_data_keys') {
    this.keys = db.collection<KeyDoc>(collection);
  }

  findOne(filter: { _id: string }): Promise<Record<string, unknown> | null> {
    return this.keys.findOne(filter);
  }

  deleteOne(filter: { _id: string }): Promise<unknown> {
    return this.keys.deleteOne(filter);
  }

  insertOne(doc: KeyDoc): Promise<unknown> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      // The seals started in this turn of the event loop go together.
      if (this.waiting.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      await this.keys.insertMany(
        batch.map((w) => w.doc),
        { ordered: false },
      );
      for (const w of batch) w.resolve();
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError)) {
        for (const w of batch) w.reject(e);
        return;
      }
      const failed = new Map<number, unknown>();
      for (const we of [e.writeErrors].flat())
        failed.set(we.index, Object.assign(new Error(we.errmsg ?? 'key insert failed'), { code: we.code }));
      batch.forEach((w, i) => (failed.has(i) ? w.reject(failed.get(i)) : w.resolve()));
    }
  }
}
