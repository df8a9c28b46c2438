import type { Collection, Db, Document, Filter } from 'mongodb';
import type { ApplyGuard, ModelDocument, ModelFilter, ReadModel, ReadModels } from '@yiwang/kernel-core';

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

/**
 * One read-model collection. Writes go through `upsert`, which skips an event the document has
 * already seen; that is what makes replays and redeliveries harmless without transactions.
 * Each projection has a single writer (the projector holds a lease), so read-then-replace is safe
 * even on FerretDB, whose conditional updates are not atomic.
 */
export class MongoReadModel<T extends ModelDocument> implements ReadModel<T> {
  constructor(readonly collection: Collection<Document>) {}

  async get(id: string): Promise<T | null> {
    const doc = await this.collection.findOne(byId(id));
    return doc ? strip<T>(doc) : null;
  }

  async find(filter: ModelFilter = {}, options: { sort?: Record<string, 1 | -1>; limit?: number } = {}): Promise<T[]> {
    let cursor = this.collection.find(filter as Filter<Document>);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()).map((d) => strip<T>(d));
  }

  /** Applies `change` to the document unless it has seen this event; `null` from `change` deletes it. */
  async upsert(id: string, guard: ApplyGuard, change: (current: T | null) => T | null): Promise<boolean> {
    const existing = await this.collection.findOne(byId(id));
    if (existing && !isNewer(guard, existing._guard as ReadModelDoc<unknown>['_guard'])) return false;
    const next = change(existing ? strip<T>(existing) : null);
    const stamp = stampOf(guard);
    if (next === null) {
      await this.collection.deleteOne(byId(id));
      return true;
    }
    const doc: Document = { ...next, _id: id, _guard: stamp };
    if (existing) await this.collection.replaceOne(byId(id), doc);
    else await this.collection.insertOne(doc);
    return true;
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
    return new MongoReadModel<T>(this.db.collection(collectionName(this.projection, name, this.generation)));
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
  dirty: boolean;
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
  ) {}

  async get(id: string): Promise<T | null> {
    const b = await this.load(id);
    return b.doc ? strip<T>(b.doc) : null;
  }

  async find(filter: ModelFilter = {}, options: { sort?: Record<string, 1 | -1>; limit?: number } = {}): Promise<T[]> {
    await this.flushAll();
    return new MongoReadModel<T>(this.collection).find(filter, options);
  }

  async upsert(id: string, guard: ApplyGuard, change: (current: T | null) => T | null): Promise<boolean> {
    const b = await this.load(id);
    if (b.doc && !isNewer(guard, b.doc._guard as ReadModelDoc<unknown>['_guard'])) return false;
    const next = change(b.doc ? strip<T>(b.doc) : null);
    b.doc = next === null ? null : { ...next, _id: id, _guard: stampOf(guard) };
    b.dirty = true;
    return true;
  }

  private load(id: string): Promise<BufferedDoc> {
    let p = this.docs.get(id);
    if (!p) {
      p = this.collection.findOne(byId(id)).then((doc) => ({ doc, inDb: doc !== null, dirty: false }));
      this.docs.set(id, p);
    }
    return p;
  }

  /** Writes what changed: new documents in one `insertMany`, the rest as parallel `_id` writes. */
  async flush(): Promise<number> {
    const inserts: Document[] = [];
    const others: Array<() => Promise<unknown>> = [];
    const touched: BufferedDoc[] = [];
    for (const [id, p] of this.docs) {
      const b = await p;
      if (!b.dirty) continue;
      touched.push(b);
      const doc = b.doc;
      if (doc === null) {
        if (b.inDb) others.push(() => this.collection.deleteOne(byId(id)));
      } else if (b.inDb) others.push(() => this.collection.replaceOne(byId(id), doc));
      else inserts.push(doc);
    }
    if (inserts.length > 0) await this.collection.insertMany(inserts, { ordered: false });
    // Small parallel writes, not a bulkWrite: FerretDB 1.24 stalls on large bulk updates.
    for (let i = 0; i < others.length; i += 16) await Promise.all(others.slice(i, i + 16).map((w) => w()));
    for (const b of touched) {
      b.inDb = b.doc !== null;
      b.dirty = false;
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

  constructor(
    private readonly db: Db,
    private readonly projection: string,
    private readonly generation: number,
  ) {}

  model<T extends ModelDocument>(name: string): ReadModel<T> {
    let m = this.models.get(name);
    if (!m) {
      m = new BufferedReadModel<ModelDocument>(this.db.collection(collectionName(this.projection, name, this.generation)), () =>
        this.flush().then(() => undefined),
      );
      this.models.set(name, m);
    }
    return m as unknown as ReadModel<T>;
  }

  /** Writes every changed document; returns how many writes that took. */
  async flush(): Promise<number> {
    let writes = 0;
    for (const m of this.models.values()) writes += await m.flush();
    return writes;
  }
}
