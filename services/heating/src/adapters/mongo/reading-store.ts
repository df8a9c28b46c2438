import { type Db } from 'mongodb';
import { toShanghaiIso } from '@yiwang/working-time';
import { type PointTrack } from '../../domain';
import { type ReadingStore, type ValidReading } from '../../application/readings-ingest';

type DayDoc = { _id: string; pointId: string; day: string; v: Record<string, number> };
type TrackDoc = { _id: string; track: PointTrack };

/**
 * Readings stored compactly: one document per point and local hour (`<point>|2026-12-01T08`) whose
 * `v` maps the minute-and-second (`m0810`) to tenths of a degree — six readings an hour in one
 * document instead of six events. Keys are set, never pushed, so a batch sent twice writes the same
 * values (idempotent by device + time). One bulk write per batch.
 */
export class MongoReadingStore implements ReadingStore {
  constructor(private readonly db: Db) {}

  private get days() {
    return this.db.collection<DayDoc>('readings_daily');
  }
  private get tracks() {
    return this.db.collection<TrackDoc>('point_tracks');
  }

  async write(readings: readonly ValidReading[]): Promise<void> {
    const byDoc = new Map<string, { pointId: string; day: string; set: Record<string, number> }>();
    for (const r of readings) {
      const iso = toShanghaiIso(r.atMs); // 2026-12-01T08:10:00+08:00
      const day = iso.slice(0, 10);
      const id = `${r.pointId}|${day}`;
      const doc = byDoc.get(id) ?? { pointId: r.pointId, day, set: {} };
      doc.set[`v.t${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`] = r.deci;
      byDoc.set(id, doc);
    }
    const writes = [...byDoc].map(
      ([_id, d]) =>
        () =>
          this.days.updateOne({ _id }, { $set: { pointId: d.pointId, day: d.day, ...d.set } }, { upsert: true }),
    );
    await inParallel(writes);
  }

  /** One point's readings of one local day (`2026-12-01`), in time order (`081000` = 08:10:00). */
  async day(pointId: string, day: string): Promise<Array<{ time: string; deci: number }>> {
    const doc = await this.days.findOne({ _id: `${pointId}|${day}` });
    return Object.entries(doc?.v ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, deci]) => ({ time: k.slice(1), deci }));
  }

  async tracksOf(pointIds: readonly string[]): Promise<Map<string, PointTrack>> {
    const docs = await this.tracks.find({ _id: { $in: [...pointIds] } }).toArray();
    return new Map(docs.map((d) => [d._id, d.track]));
  }

  async saveTracks(tracks: ReadonlyMap<string, PointTrack>): Promise<void> {
    await inParallel(
      [...tracks].map(
        ([_id, track]) =>
          () =>
            this.tracks.replaceOne({ _id }, { track }, { upsert: true }),
      ),
    );
  }
}

/** Small parallel writes, not one bulkWrite: FerretDB 1.24 stalls on large bulk updates (as the kernel's read models found). */
async function inParallel(writes: ReadonlyArray<() => Promise<unknown>>, width = 16): Promise<void> {
  for (let i = 0; i < writes.length; i += width) await Promise.all(writes.slice(i, i + width).map((w) => w()));
}
