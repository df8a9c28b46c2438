// The readings store on the real database: readings and rule-state versions are packed in one
// string per document (documents written before as parallel lists are still read), the same batch
// twice stores nothing new, and pruning removes the superseded versions by their exact ids.
import { testDatabase } from '@yiwang/testing';
import { newTrack, type PointTrack } from '../../domain';
import { MongoReadingStore, fromDoc, toDoc } from './reading-store';

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(async () => {
  await t?.db.dropDatabase();
  await t?.close();
});

const AT = Date.parse('2026-12-01T08:10:00+08:00');
const warm: PointTrack = {
  lastMs: AT,
  belowSinceMs: null,
  lowestDeci: null,
  aboveSinceMs: AT - 3_600_000,
  findingOpen: true,
  offline: false,
};
const cold: PointTrack = {
  lastMs: AT,
  belowSinceMs: AT - 7_200_000,
  lowestDeci: 163,
  aboveSinceMs: null,
  findingOpen: false,
  offline: true,
};

it('a shard version round-trips through its packed form, nulls and flags included', () => {
  const shard = { shard: '07', seq: 3, tracks: { 'jz-a-mp1': warm, 'jz-a-mp2': cold, 'jz-a-mp3': newTrack() }, dueMs: AT + 7_200_001 };
  const doc = toDoc(shard);
  expect(doc).toEqual({ _id: 'trk|07|000000000003', shard: '07', seq: 3, t: expect.any(String), dueMs: AT + 7_200_001 });
  expect(fromDoc(doc)).toEqual({ shard: '07', seq: 3, tracks: shard.tracks });
  expect(fromDoc(toDoc({ shard: '08', seq: 1, tracks: {}, dueMs: null })).tracks).toEqual({});
});

it('reads rule-state versions and readings written before as parallel lists', async () => {
  const store = new MongoReadingStore(t.db);
  const shard = store.shardOf('jz-old-mp1');
  await store.shardDocs.insertOne({
    _id: `trk|${shard}|000000000001`,
    shard,
    seq: 1,
    id: ['jz-old-mp1'],
    last: [AT],
    below: [AT - 7_200_000],
    lowest: [163],
    above: [null],
    f: [2],
    dueMs: null,
  });
  await t.db
    .collection<{ _id: string }>('reading_batches')
    .insertOne({ _id: `rd|2026-12-01|${shard}|old`, p: ['jz-old-mp1', 'jz-other-mp1'], s: [29_400, 29_400], v: [163, 190] } as never);
  const shards = await store.shards([shard]);
  expect(shards.get(shard)?.tracks['jz-old-mp1']).toEqual(cold);
  expect(await store.day('jz-old-mp1', '2026-12-01')).toEqual([{ time: '081000', deci: 163 }]);
});

it('stores a batch packed, once; the same batch again stores nothing new', async () => {
  const store = new MongoReadingStore(t.db);
  const batch = [
    { pointId: 'jz-new-mp1', atMs: AT, deci: 191 },
    { pointId: 'jz-new-mp1', atMs: AT + 600_000, deci: 179 },
    { pointId: 'jz-new-mp2', atMs: AT, deci: 200 },
  ];
  await store.write(batch);
  const count = await t.db.collection('reading_batches').countDocuments();
  await store.write([...batch].reverse());
  expect(await t.db.collection('reading_batches').countDocuments()).toBe(count);
  const docs = await t.db
    .collection('reading_batches')
    .find({ r: { $exists: true } })
    .toArray();
  expect(docs.every((d) => typeof d.r === 'string' && d.p === undefined)).toBe(true);
  expect(await store.day('jz-new-mp1', '2026-12-01')).toEqual([
    { time: '081000', deci: 191 },
    { time: '082000', deci: 179 },
  ]);
});

it('keeps only the latest version of each shard after a prune (exact ids, no range delete)', async () => {
  const store = new MongoReadingStore(t.db);
  const ids = ['00', '01', '02'].map((s) => `p${s}`);
  for (let seq = 1; seq <= 16; seq++) {
    const lost = await store.saveShards(
      ids.map((shard) => ({ shard, seq, tracks: { [`jz-${shard}-mp1`]: { ...warm, lastMs: AT + seq } }, dueMs: null })),
    );
    expect(lost.size).toBe(0);
  }
  const left = await store.shardDocs.find({ shard: { $in: ids } }).toArray();
  expect(left.map((d) => d._id).sort()).toEqual(ids.map((s) => `trk|${s}|000000000016`));
  // A second writer of a pruned shard still loses to the version that exists.
  expect(await store.saveShards([{ shard: 'p00', seq: 16, tracks: {}, dueMs: null }])).toEqual(new Set(['p00']));
  expect((await store.shards(['p00'], true)).get('p00')?.tracks['jz-p00-mp1']?.lastMs).toBe(AT + 16);
});
