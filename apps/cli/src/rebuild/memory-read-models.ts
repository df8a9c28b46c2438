import type { ApplyGuard, ModelDocument, ModelFilter, ReadModel, ReadModels } from '@yiwang/kernel-core';

/**
 * Read models held in this process, for computing a projection from a replay without a database.
 * The guard keeps "apply each event once" whatever order the events come in: a stream-guarded
 * document remembers the stream's last version, a position-guarded one every position it applied
 * (a Kafka replay interleaves partitions, so positions are not increasing there).
 */
export class MemoryReadModels implements ReadModels {
  private readonly models = new Map<string, MemoryReadModel<ModelDocument>>();

  model<T extends ModelDocument>(name: string): ReadModel<T> {
    let m = this.models.get(name);
    if (!m) this.models.set(name, (m = new MemoryReadModel()));
    return m as unknown as ReadModel<T>;
  }
}

class MemoryReadModel<T extends ModelDocument> implements ReadModel<T> {
  private readonly docs = new Map<string, T>();
  private readonly versions = new Map<string, number>();
  private readonly positions = new Map<string, Set<number>>();

  async get(id: string): Promise<T | null> {
    return this.docs.get(id) ?? null;
  }

  async find(filter: ModelFilter = {}, options: { sort?: Record<string, 1 | -1>; limit?: number } = {}): Promise<T[]> {
    const out = [...this.docs.entries()]
      .filter(([id, d]) => Object.entries(filter).every(([k, v]) => (k === '_id' ? id === v : d[k] === v)))
      .map(([, d]) => d);
    for (const [k, dir] of Object.entries(options.sort ?? {}).reverse()) out.sort((a, b) => (a[k] < b[k] ? -dir : a[k] > b[k] ? dir : 0));
    return options.limit !== undefined ? out.slice(0, options.limit) : out;
  }

  async upsert(id: string, guard: ApplyGuard, change: (current: T | null) => T | null): Promise<boolean> {
    if ('position' in guard) {
      const seen = this.positions.get(id) ?? new Set<number>();
      if (seen.has(guard.position)) return false;
      seen.add(guard.position);
      this.positions.set(id, seen);
    } else {
      const key = `${id}\u0000${guard.streamId}`;
      if ((this.versions.get(key) ?? 0) >= guard.streamVersion) return false;
      this.versions.set(key, guard.streamVersion);
    }
    const next = change(this.docs.get(id) ?? null);
    if (next === null) this.docs.delete(id);
    else this.docs.set(id, next);
    return true;
  }
}
