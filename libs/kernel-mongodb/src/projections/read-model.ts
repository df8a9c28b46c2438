import type { Collection, Db, Document, Filter } from 'mongodb';
import type { ApplyGuard, ModelDocument, ModelFilter, ReadModel, ReadModels } from '@yiwang/kernel-core';
import { documentsKeptFor, type KeptDocuments } from './kept-documents';

export type ReadModelDoc<T> = T & { _id: string; _guard: { stream?: string; version?: number; position?: number } };

const byStream = (g: ApplyGuard): g is { readonly streamId: string; readonly streamVersion: number } =>
  'streamId' in g && typeof g.streamId === 'string';

const isNewer = (guard: ApplyGuard, current: ReadModelDoc<unknown>['_guard'] | undefined): boolean => {
  if (!current) return true;
  if (!byStream(guard)) return current.position === undefined || guard.position > current.position;
  return current.stream !== guard.streamId || current.version === undefined || guard.streamVersion > current.version;
};

const stampOf = (guard: ApplyGuard): ReadModelDoc<unknown>['_guard'] =>
  byStream(guard) ? { stream: guard.streamId, version: guard.streamVersion } : { position: guard.position };

const isDuplicateKey = (e: unknown): boolean => (e as { code?: number } | null)?.code === 11000;
/** Whether every failure of an unordered `insertMany` is a duplicate key. */
const onlyDuplicates = (e: unknown): boolean => {
  const errors = (e as { writeErrors?: Array<{ code?: number }> | { code?: number } } | null)?.writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  return list.length > 0 ? list.every((w) => w.code === 11000) : isDuplicateKey(e);
};

type Guard = ReadModelDoc<unknown>['_guard'];
/**
 * The document as it was read: `_id` and the guard it carried. A read model has two writers — the
 * projector and a command's inline projection — so every replace or delete is conditional on the
 * guard it read (compare-and-set): a write built on an older read (a slow call, a write the driver
 * retried after a reconnect) matches nothing instead of putting an older state over a newer one.
 */
const asRead = (id: string, g: Guard | undefined): Filter<Document> =>
  ({
    _id: id,
    '_guard.stream': g?.stream ?? { $exists: false },
    '_guard.version': g?.version ?? { $exists: false },
    '_guard.position': g?.position ?? { $exists: false },
  }) as unknown as Filter<Document>;
/** A conditional write that found the document changed since it was read: read again and redo. */
const MAX_RACES = 8;

/**
 * Blind inserts. A stream's first event usually creates the documents it touches (a report, a
 * violation, its deadline), so reading them first mostly finds nothing: for that event the document
 * is inserted without the read, and a duplicate key (the document existed: fed by other streams, or
 * a replay after a crash) falls back to read-then-write. Per collection, in this process, blind
 * inserts stop once they clash more than about one time in fifty — collections of documents shared
 * by many streams (per plate, per cell) soon read first again.
 */
const blindStats = new Map<string, { tried: number; clashed: number }>();
const blindAllowed = (collection: string, guard: ApplyGuard): boolean => {
  if (!byStream(guard) || guard.streamVersion !== 1) return false;
  const s = blindStats.get(collection);
  return s === undefined || s.clashed <= 1 + s.tried / 50;
};
const countBlind = (collection: string, tried: number, clashed: number): void => {
  const s = blindStats.get(collection) ?? { tried: 0, clashed: 0 };
  if (s.tried > 1_000_000) s.tried = s.clashed = 0;
  s.tried += tried;
  s.clashed += clashed;
  blindStats.set(collection, s);
};

/**
 * A batch's blind insert met an existing document: the batch's copies were built on a document
 * assumed absent, so the projector runs the batch again reading first (what was written meanwhile
 * is skipped by the guards, as after a crash).
 */
export class BlindInsertClashError extends Error {
  constructor(
    readonly collection: string,
    message = `a read-model document of ${collection} existed where a stream's first event expected none`,
  ) {
    super(message);
    this.name = 'BlindInsertClashError';
  }
}

/**
 * A batch's conditional write found a document changed since the batch read it (the inline
 * projection of a command wrote meanwhile): the projector runs the batch again reading first, and
 * the guards skip what the other writer already applied.
 */
export class ReadModelRaceError extends BlindInsertClashError {
  constructor(collection: string) {
    super(collection, `a read-model document of ${collection} changed while a batch was built on it`);
    this.name = 'ReadModelRaceError';
  }
}

/**
 * One read-model collection. Writes go through `upsert`, which skips an event the document has
 * already seen; that is what makes replays and redeliveries harmless without transactions.
 * Each projection has a single writer (the projector holds a lease), so read-then-replace is safe
 * even on FerretDB, whose conditional updates are not atomic.
 */
export class MongoReadModel<T extends ModelDocument> implements ReadModel<T> {
  /** `kept`: the documents this process last read or wrote (see {@link KeptDocuments}); none when absent. */
  constructor(
    readonly collection: Collection<Document>,
    private readonly kept?: KeptDocuments,
  ) {}

  async get(id: string, options: { readonly maxAgeMs?: number } = {}): Promise<T | null> {
    const recent = this.kept?.fresh(this.collection.collectionName, id, options.maxAgeMs);
    if (recent) return strip<T>(recent);
    const started = this.kept?.mark();
    const doc = await this.collection.findOne(byId(id));
    if (doc) this.kept?.remember(this.collection.collectionName, id, doc, started);
    return doc ? strip<T>(doc) : null;
  }

  async find(filter: ModelFilter = {}, options: { sort?: Record<string, 1 | -1>; limit?: number } = {}): Promise<T[]> {
    let cursor = this.collection.find(filter as Filter<Document>);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()).map((d) => strip<T>(d));
  }

  /** Applies `change` to the document unless it has seen this event; `null` from `change` deletes it. */
  upsert(id: string, guard: ApplyGuard, change: (current: T | null) => T | null): Promise<boolean> {
    const kept = this.kept;
    if (!kept) return this.upsertNow(id, guard, change);
    return kept.exclusive(this.collection.collectionName, id, () => this.upsertNow(id, guard, change));
  }

  private async upsertNow(id: string, guard: ApplyGuard, change: (current: T | null) => T | null): Promise<boolean> {
    const name = this.collection.collectionName;
    if (blindAllowed(name, guard) && !this.kept?.any(name, id)) {
      const created = change(null);
      if (created !== null) {
        try {
          const doc: Document = { ...created, _id: id, _guard: stampOf(guard) };
          await this.collection.insertOne(doc);
          countBlind(name, 1, 0);
          this.kept?.remember(name, id, doc);
          return true;
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
          countBlind(name, 1, 1);
        }
      }
    }
    for (let race = 0; ; race++) {
      // The first try may start from the kept copy: the conditional write below finds out if it was behind.
      const keptCopy = race === 0 ? this.kept?.any(name, id) : undefined;
      const existing = keptCopy ?? (await this.collection.findOne(byId(id)));
      const read = existing?._guard as Guard | undefined;
      if (existing && !isNewer(guard, read)) return false;
      const next = change(existing ? strip<T>(existing) : null);
      let written: boolean;
      let doc: Document | null = null;
      if (next === null) written = !existing || (await this.collection.deleteOne(asRead(id, read))).deletedCount === 1;
      else {
        doc = { ...next, _id: id, _guard: stampOf(guard) };
        const toWrite = doc;
        if (existing) written = (await this.collection.replaceOne(asRead(id, read), toWrite)).matchedCount === 1;
        else
          written = await this.collection.insertOne(toWrite).then(
            () => true,
            (e: unknown) => {
              if (isDuplicateKey(e)) return false;
              throw e;
            },
          );
      }
      if (written) {
        if (doc) this.kept?.remember(name, id, doc);
        else this.kept?.forget(name, id);
        return true;
      }
      this.kept?.forget(name, id);
      if (race >= MAX_RACES) throw new ReadModelRaceError(name);
    }
  }
}

function strip<T>(doc: Document): T {
  const { _guard: _g, _id: _i, ...rest } = doc;
  return rest as T;
}

/** Read models of a projection, in its current generation (a rebuild fills the next one). */
export class MongoReadModels implements ReadModels {
  constructor(
    private readonly db: Db,
    private readonly projection: string,
    private readonly generation: number,
  ) {}

  model<T extends ModelDocument>(name: string): MongoReadModel<T> {
    return new MongoReadModel<T>(this.db.collection(collectionName(this.projection, name, this.generation)), documentsKeptFor(this.db));
  }
}

export const collectionName = (projection: string, model: string, generation: number): string => `rm_${projection}_${model}_g${generation}`;

// Read-model ids are strings; the driver's Filter type assumes ObjectId, hence the one cast.
const byId = (id: string): Filter<Document> => ({ _id: id }) as unknown as Filter<Document>;

interface BufferedDoc {
  /** The document as it is now in this batch (with `_guard`), null when absent or deleted. */
  doc: Document | null;
  /** Whether the database holds a document with this id (as of the last flush). */
  inDb: boolean;
  /** The guard of the database's document as last read or written here (for the conditional write). */
  dbGuard?: Guard;
  dirty: boolean;
  /** Created without a read (a stream's first event): assumed absent until its insert says so. */
  blind?: boolean;
}

/**
 * One read-model collection during one log batch: each document is read at most once (by `_id`)
 * and written at most once, when the batch is flushed, however many events of the batch touch it.
 * The guards work as in {@link MongoReadModel}, on the batch's own copy. `find` flushes first, so
 * it sees everything applied before it.
 */
class BufferedReadModel<T extends ModelDocument> implements ReadModel<T> {
  private readonly docs = new Map<string, Promise<BufferedDoc>>();

  constructor(
    readonly collection: Collection<Document>,
    private readonly flushAll: () => Promise<void>,
    private readonly blindInserts: boolean,
    private readonly kept?: KeptDocuments,
  ) {}

  async get(id: string): Promise<T | null> {
    const b = await this.load(id, false);
    return b.doc ? strip<T>(b.doc) : null;
  }

  async find(filter: ModelFilter = {}, options: { sort?: Record<string, 1 | -1>; limit?: number } = {}): Promise<T[]> {
    await this.flushAll();
    return new MongoReadModel<T>(this.collection).find(filter, options);
  }

  async upsert(id: string, guard: ApplyGuard, change: (current: T | null) => T | null): Promise<boolean> {
    if (
      this.blindInserts &&
      !this.docs.has(id) &&
      blindAllowed(this.collection.collectionName, guard) &&
      !this.kept?.any(this.collection.collectionName, id)
    ) {
      const created = change(null);
      if (created !== null) {
        this.docs.set(id, Promise.resolve({ doc: { ...created, _id: id, _guard: stampOf(guard) }, inDb: false, dirty: true, blind: true }));
        return true;
      }
    }
    const b = await this.load(id, true);
    if (b.doc && !isNewer(guard, b.doc._guard as ReadModelDoc<unknown>['_guard'])) return false;
    const next = change(b.doc ? strip<T>(b.doc) : null);
    b.doc = next === null ? null : { ...next, _id: id, _guard: stampOf(guard) };
    b.dirty = true;
    return true;
  }

  /**
   * The batch's copy of a document. One about to be written may start from the copy this process
   * kept, however old: the conditional write finds out if it was behind, and the batch runs again
   * reading. One only read is taken from the kept copies only while they are fresh.
   */
  private load(id: string, forWrite: boolean): Promise<BufferedDoc> {
    let p = this.docs.get(id);
    if (!p) {
      const name = this.collection.collectionName;
      const keptCopy = forWrite ? this.kept?.any(name, id) : this.kept?.fresh(name, id);
      const started = this.kept?.mark();
      p = keptCopy
        ? Promise.resolve({ doc: keptCopy, inDb: true, dirty: false, dbGuard: keptCopy['_guard'] as Guard })
        : this.collection.findOne(byId(id)).then((doc) => {
            if (doc) this.kept?.remember(name, id, doc, started);
            return { doc, inDb: doc !== null, dirty: false, ...(doc ? { dbGuard: doc['_guard'] as Guard } : {}) };
          });
      this.docs.set(id, p);
    }
    return p;
  }

  /** After a failed flush the batch runs again: what it started from is not trusted. */
  forgetAll(): void {
    for (const id of this.docs.keys()) this.kept?.forget(this.collection.collectionName, id);
  }

  /** Writes what changed: new documents in one `insertMany`, the rest as parallel `_id` writes. */
  async flush(): Promise<number> {
    const inserts: Document[] = [];
    const others: Array<() => Promise<boolean>> = [];
    const touched: Array<[string, BufferedDoc]> = [];
    let blind = 0;
    for (const [id, p] of this.docs) {
      const b = await p;
      if (!b.dirty) continue;
      touched.push([id, b]);
      const doc = b.doc;
      if (b.blind) blind++;
      const asReadHere = asRead(id, b.dbGuard);
      // One write at a time per document with this process's inline projection (see KeptDocuments.exclusive).
      const alone = (write: () => Promise<boolean>) =>
        this.kept ? this.kept.exclusive(this.collection.collectionName, id, write) : write();
      // What a write leaves is kept inside its turn, so a later write of the other writer is never
      // overwritten in the kept copies by this earlier one.
      const name = this.collection.collectionName;
      if (doc === null) {
        if (b.inDb)
          others.push(() =>
            alone(async () => {
              const done = (await this.collection.deleteOne(asReadHere)).deletedCount === 1;
              if (done) this.kept?.forget(name, id);
              return done;
            }),
          );
      } else if (b.inDb)
        others.push(() =>
          alone(async () => {
            const done = (await this.collection.replaceOne(asReadHere, doc)).matchedCount === 1;
            if (done) this.kept?.remember(name, id, doc);
            return done;
          }),
        );
      else inserts.push(doc);
    }
    const insertedFrom = this.kept?.mark();
    if (inserts.length > 0) {
      try {
        await this.collection.insertMany(inserts, { ordered: false });
      } catch (e) {
        // Only a blind document can clash (each projection has a single writer).
        if (blind === 0 || !onlyDuplicates(e)) throw e;
        countBlind(this.collection.collectionName, 1, 1);
        throw new BlindInsertClashError(this.collection.collectionName);
      }
      if (blind > 0) countBlind(this.collection.collectionName, 1, 0);
    }
    // Small parallel writes, not a bulkWrite: FerretDB 1.24 stalls on large bulk updates.
    let raced = false;
    for (let i = 0; i < others.length; i += 16)
      if ((await Promise.all(others.slice(i, i + 16).map((w) => w()))).includes(false)) raced = true;
    if (raced) throw new ReadModelRaceError(this.collection.collectionName);
    for (const [id, b] of touched) {
      // A new document is kept unless a write since its insert left a newer one.
      if (b.doc && !b.inDb) this.kept?.remember(this.collection.collectionName, id, b.doc, insertedFrom);
      b.inDb = b.doc !== null;
      if (b.doc) b.dbGuard = b.doc['_guard'] as Guard;
      b.dirty = false;
      b.blind = false;
    }
    return inserts.length + others.length;
  }
}

/**
 * The read models of a projection for one log batch (see {@link BufferedReadModel}); the projector
 * flushes them before it moves its checkpoint, so a crash in between replays the batch onto
 * documents whose guards skip what they already hold.
 */
export class BatchReadModels implements ReadModels {
  private readonly models = new Map<string, BufferedReadModel<ModelDocument>>();

  /** `blindInserts`: a stream's first event may create documents without reading them first. */
  constructor(
    private readonly db: Db,
    private readonly projection: string,
    private readonly generation: number,
    private readonly blindInserts = true,
  ) {}

  model<T extends ModelDocument>(name: string): ReadModel<T> {
    let m = this.models.get(name);
    if (!m) {
      m = new BufferedReadModel<ModelDocument>(
        this.db.collection(collectionName(this.projection, name, this.generation)),
        () => this.flush().then(() => undefined),
        this.blindInserts,
        documentsKeptFor(this.db),
      );
      this.models.set(name, m);
    }
    return m as unknown as ReadModel<T>;
  }

  /** Writes every changed document; returns how many writes that took. */
  async flush(): Promise<number> {
    let writes = 0;
    try {
      for (const m of this.models.values()) writes += await m.flush();
    } catch (e) {
      for (const m of this.models.values()) m.forgetAll();
      throw e;
    }
    return writes;
  }
}
