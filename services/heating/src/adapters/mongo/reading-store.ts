import { createHash } from 'node:crypto';
import { MongoBulkWriteError, type Db } from 'mongodb';
import { toShanghaiIso } from '@yiwang/working-time';
import { type PointTrack } from '../../domain';
import { type ReadingStore, type TrackShard, type ValidReading } from '../../application/readings-ingest';

/**
 * One received batch's readings of one shard and local day, packed in one string `r`:
 * `<point>,<second of the day>,<deci>` joined by `;` (a point id holds no `,` or `;`). FerretDB 1.24
 * stores, scans and deletes a document at a cost that grows with its number of values: one string
 * instead of three lists of ~30 values made inserts ~8× and full scans ~7× cheaper (measured
 * 2026-12-02). Documents written before (parallel lists `p`, `s`, `v`) are still read.
 */
type BatchDoc = { _id: string; r?: string; p?: string[]; s?: number[]; v?: number[] };
/**
 * One version of one shard's rule state. `t` packs one entry per point,
 * `<point>,<lastMs>,<belowSinceMs>,<lowestDeci>,<aboveSinceMs>,<f>` joined by `;` (an empty field is
 * null; `f` = bit 1 finding open, bit 2 offline), for the same reason as the readings. Versions
 * written before carry parallel lists (`id`, `last`, `below`, `lowest`, `above`, `f`) instead and are
 * still read. `dueMs` is when its next point falls silent (the offline check's deadline).
 */
export type ShardDoc = {
  _id: string;
  shard: string;
  seq: number;
  t?: string;
  id?: string[];
  last?: Array<number | null>;
  below?: Array<number | null>;
  lowest?: Array<number | null>;
  above?: Array<number | null>;
  f?: number[];
  dueMs: number | null;
};

/** Points spread over this many shards: a batch from 2,000 points writes ≤ 64 small documents, not 2,000. */
export const SHARDS = 64;
/**
 * Superseded shard versions are deleted every this many versions, by their exact ids in one
 * `deleteMany` (`_id: {$in}`): FerretDB 1.24 answers only string-`_id` equality from its index, and
 * runs every other filter — a `_id` range too, and each statement of a bulk delete on its own — as
 * a scan of the whole collection. The earlier prune (one `_id`-range `deleteMany` per shard, 64
 * statements in one bulk write, all shards in the same batch) took 40–65 s and held the batch.
 */
const PRUNE_EVERY = 8;
const DUPLICATE_KEY = 11000;

const pad = (n: number) => String(n).padStart(12, '0');
const shardDocId = (shard: string, seq: number) => `trk|${shard}|${pad(seq)}`;

/**
 * Readings and the monitoring rule's state on MongoDB/FerretDB, insert-only: upserts cost a
 * read and a write each on FerretDB 1.24 (2,000 of them in one bulkWrite took 30 s there), inserts
 * go in one `insertMany`.
 * - Readings: per batch, one document per (local day, shard) with the values, `_id` =
 *   `rd|<day>|<shard>|<digest of the point+time pairs>`. The same batch sent again has the same
 *   ids and is refused as duplicates (idempotent by device + time); a reading repeated inside a
 *   different batch is stored twice and read once (`day` keys by time).
 * - Rule state: per shard, versioned documents `trk|<shard>|<seq>`. A new version is an insert of
 *   `seq + 1`, so two writers of the same shard cannot both win (the loser reloads and redoes);
 *   older versions are pruned by their exact ids. The latest version of each shard is cached here.
 */
export class MongoReadingStore implements ReadingStore {
  private readonly cache = new Map<string, TrackShard>();
  private loadedAll = false;

  constructor(private readonly db: Db) {}

  private get batches() {
    return this.db.collection<BatchDoc>('reading_batches');
  }
  get shardDocs() {
    return this.db.collection<ShardDoc>('point_track_shards');
  }

  shardOf(pointId: string): string {
    let h = 0x811c9dc5; // FNV-1a: stable across processes and releases
    for (let i = 0; i < pointId.length; i++) h = Math.imul(h ^ pointId.charCodeAt(i), 0x01000193) >>> 0;
    return String(h % SHARDS).padStart(2, '0');
  }

  async write(readings: readonly ValidReading[]): Promise<void> {
    const groups = new Map<string, { r: string[]; keys: string[] }>();
    for (const r of readings) {
      const iso = toShanghaiIso(r.atMs); // 2026-12-01T08:10:00+08:00
      const key = `rd|${iso.slice(0, 10)}|${this.shardOf(r.pointId)}`;
      const g = groups.get(key) ?? { r: [], keys: [] };
      const second = Number(iso.slice(11, 13)) * 3600 + Number(iso.slice(14, 16)) * 60 + Number(iso.slice(17, 19));
      g.r.push(`${r.pointId},${second},${r.deci}`);
      g.keys.push(`${r.pointId}@${r.atMs}`);
      groups.set(key, g);
    }
    const docs: BatchDoc[] = [...groups].map(([key, g]) => ({
      _id: `${key}|${createHash('sha256')
        .update([...g.keys].sort().join(','))
        .digest('hex')
        .slice(0, 24)}`,
      r: g.r.join(';'),
    }));
    try {
      await this.batches.insertMany(docs, { ordered: false });
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError && onlyDuplicates(e))) throw e;
    }
  }

  /** One point's readings of one local day (`2026-12-01`), in time order (`081000` = 08:10:00). */
  async day(pointId: string, day: string): Promise<Array<{ time: string; deci: number }>> {
    const prefix = `rd|${day}|${this.shardOf(pointId)}|`;
    const docs = await this.batches.find({ _id: { $gt: prefix, $lt: `${prefix}~` } }).toArray();
    const bySecond = new Map<number, number>();
    for (const d of docs) for (const [p, second, deci] of batchEntries(d)) if (p === pointId) bySecond.set(second, deci);
    return [...bySecond]
      .sort(([a], [b]) => a - b)
      .map(([s, deci]) => ({
        time: [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(''),
        deci,
      }));
  }

  async shards(ids: readonly string[], fresh = false): Promise<Map<string, TrackShard>> {
    if (fresh) for (const id of ids) this.cache.delete(id);
    if (!this.loadedAll) {
      await this.loadAll();
    } else {
      const missing = ids.filter((id) => !this.cache.has(id));
      await Promise.all(missing.map((id) => this.loadShard(id)));
    }
    return new Map(ids.flatMap((id) => (this.cache.has(id) ? [[id, this.cache.get(id)!] as const] : [])));
  }

  /** The latest version of every shard in one read (a process's first batch). */
  private async loadAll(): Promise<void> {
    const docs = await this.shardDocs.find({ _id: { $gt: 'trk|', $lt: 'trk|~' } }).toArray();
    for (const d of docs) {
      const cur = this.cache.get(d.shard);
      if (!cur || cur.seq < d.seq) this.cache.set(d.shard, fromDoc(d));
    }
    this.loadedAll = true;
  }

  private async loadShard(shard: string): Promise<void> {
    const [d] = await this.shardDocs
      .find({ _id: { $gt: `trk|${shard}|`, $lt: `trk|${shard}|~` } })
      .sort({ _id: -1 })
      .limit(1)
      .toArray();
    if (d) this.cache.set(shard, fromDoc(d));
    else this.cache.delete(shard);
  }

  async saveShards(next: ReadonlyArray<TrackShard & { dueMs: number | null }>): Promise<Set<string>> {
    if (next.length === 0) return new Set();
    const docs: ShardDoc[] = next.map(toDoc);
    const lost = new Set<string>();
    try {
      await this.shardDocs.insertMany(docs, { ordered: false });
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError && onlyDuplicates(e))) throw e;
      for (const w of writeErrors(e)) lost.add(docs[w.index]!.shard);
    }
    for (const n of next) {
      if (lost.has(n.shard)) this.cache.delete(n.shard);
      else this.cache.set(n.shard, { shard: n.shard, seq: n.seq, tracks: n.tracks });
    }
    // Every version a pruned shard may still hold below the new one (the window since its last
    // prune, and the window before in case that prune was lost), in one statement.
    const prune = next
      .filter((n) => !lost.has(n.shard) && n.seq % PRUNE_EVERY === 0)
      .flatMap((n) => Array.from({ length: Math.min(n.seq - 1, 2 * PRUNE_EVERY) }, (_, i) => shardDocId(n.shard, n.seq - 1 - i)));
    if (prune.length > 0) await this.shardDocs.deleteMany({ _id: { $in: prune } });
    return lost;
  }

  /** A version found due by the offline check after a newer one was written: it only needs removing. */
  async dropSuperseded(docId: string): Promise<void> {
    await this.shardDocs.deleteOne({ _id: docId });
  }

  /**
   * The shard versions whose silence fell due, the latest of each shard only: older versions still
   * waiting for their prune carry stale due times, so they are removed here instead of acted on.
   */
  async dueShards(nowMs: number): Promise<Array<ShardDoc & { dueMs: number }>> {
    const docs = (await this.shardDocs.find({ dueMs: { $lte: nowMs } }).toArray()) as Array<ShardDoc & { dueMs: number }>;
    const latest = new Map<string, ShardDoc & { dueMs: number }>();
    for (const d of docs) if ((latest.get(d.shard)?.seq ?? -1) < d.seq) latest.set(d.shard, d);
    const stale = docs.filter((d) => latest.get(d.shard) !== d).map((d) => d._id);
    if (stale.length > 0) await this.shardDocs.deleteMany({ _id: { $in: stale } });
    return [...latest.values()];
  }
}

const num = (n: number | null) => (n === null ? '' : String(n));
const orNull = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
const track = (last: number | null, below: number | null, lowest: number | null, above: number | null, f: number): PointTrack => ({
  lastMs: last,
  belowSinceMs: below,
  lowestDeci: lowest,
  aboveSinceMs: above,
  findingOpen: (f & 1) !== 0,
  offline: (f & 2) !== 0,
});

export function toDoc(n: TrackShard & { dueMs: number | null }): ShardDoc {
  const t = Object.entries(n.tracks)
    .map(([id, k]) =>
      [
        id,
        num(k.lastMs),
        num(k.belowSinceMs),
        num(k.lowestDeci),
        num(k.aboveSinceMs),
        (k.findingOpen ? 1 : 0) | (k.offline === true ? 2 : 0),
      ].join(','),
    )
    .join(';');
  return { _id: shardDocId(n.shard, n.seq), shard: n.shard, seq: n.seq, t, dueMs: n.dueMs };
}

export function fromDoc(d: ShardDoc): TrackShard {
  const tracks: Record<string, PointTrack> = {};
  if (typeof d.t === 'string') {
    for (const entry of d.t === '' ? [] : d.t.split(';')) {
      const [id, last, below, lowest, above, f] = entry.split(',');
      tracks[id!] = track(orNull(last), orNull(below), orNull(lowest), orNull(above), Number(f));
    }
  } else {
    (d.id ?? []).forEach((id, i) => {
      tracks[id] = track(d.last?.[i] ?? null, d.below?.[i] ?? null, d.lowest?.[i] ?? null, d.above?.[i] ?? null, d.f?.[i] ?? 0);
    });
  }
  return { shard: d.shard, seq: d.seq, tracks };
}

/** A readings document's entries as [point, second of the day, deci], packed or (written before) as lists. */
function batchEntries(d: BatchDoc): Array<[string, number, number]> {
  if (typeof d.r === 'string')
    return (d.r === '' ? [] : d.r.split(';')).map((e) => {
      const [p, second, deci] = e.split(',');
      return [p!, Number(second), Number(deci)];
    });
  return (d.p ?? []).map((p, i) => [p, d.s![i]!, d.v![i]!]);
}

const writeErrors = (e: MongoBulkWriteError): Array<{ code: number; index: number }> => {
  const w = e.writeErrors as unknown;
  return (Array.isArray(w) ? w : [w]) as Array<{ code: number; index: number }>;
};
const onlyDuplicates = (e: MongoBulkWriteError): boolean => writeErrors(e).every((w) => w.code === DUPLICATE_KEY);
