import type { Collection, Db, Document, Filter } from 'mongodb';
import type { ApplyGuard, ModelDocument, ModelFilter, ReadModel, ReadModels } from '@yiwang/kernel-core';

export type ReadModelDoc<T> = T & { _id: string; _guard: { stream?: string; version?: number; position?: number } };

const byStream = (g: ApplyGuard): g is { readonly streamId: string; readonly streamVersion: number } => 'streamId' in g && typeof g.streamId === 'string';

const isNewer = (guard: ApplyGuard, current: ReadModelDoc<unknown>['_guard'] | undefined): boolean => {
  if (!current) return true;
  if (!byStream(guard)) return current.position === undefined || guard.position > current.position;
  return current.stream !== guard.streamId || current.version === undefined || guard.streamVersion > current.version;
};

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
    const stamp = byStream(guard) ? { stream: guard.streamId, version: guard.streamVersion } : { position: guard.position };
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
