// The read-model documents a process keeps: they save the read before a write and answer hot reads,
// and a copy that is behind another writer never puts an older state over a newer one.
import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import { testDatabase, testServers } from '@yiwang/testing';
import { BatchReadModels, MongoReadModel, MongoReadModels } from './read-model';
import { documentsKeptFor, KEPT_FRESH_MS } from './kept-documents';

interface Row {
  status: string;
  touches: number;
}

let t: Awaited<ReturnType<typeof testDatabase>>;
let client: MongoClient;
let db: Db;
const finds: string[] = [];
beforeAll(async () => {
  t = await testDatabase(__filename);
  // This process's own client, watched: every `find` it sends is listed.
  client = await MongoClient.connect(testServers().mongoUri, { monitorCommands: true });
  client.on('commandStarted', (e: CommandStartedEvent) => {
    if (e.commandName === 'find') finds.push(String(e.command['find']));
  });
  db = client.db(t.db.databaseName);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
});

const at = (streamId: string, streamVersion: number) => ({ streamId, streamVersion });
const bump = (status: string) => (row: Row | null) => ({ status, touches: (row?.touches ?? 0) + 1 });

it('a log batch after an inline write reads nothing: the kept copy says what the document has seen', async () => {
  const inline = new MongoReadModels(db, 'kept', 1).model<Row>('rows');
  await inline.upsert('r-1', at('r-1', 1), bump('received'));
  await inline.upsert('r-1', at('r-1', 2), bump('filed'));
  finds.length = 0;
  const batch = new BatchReadModels(db, 'kept', 1);
  const rows = batch.model<Row>('rows');
  expect(await rows.upsert('r-1', at('r-1', 1), bump('received'))).toBe(false);
  expect(await rows.upsert('r-1', at('r-1', 2), bump('filed'))).toBe(false);
  expect(await rows.upsert('r-1', at('r-1', 3), bump('linked'))).toBe(true);
  await batch.flush();
  expect(finds).toEqual([]);
  expect(await t.db.collection('rm_kept_rows_g1').findOne({ _id: 'r-1' as never })).toMatchObject({ status: 'linked', touches: 3 });
});

it('a kept copy behind another writer costs a read and a retry, never a lost update', async () => {
  const mine = new MongoReadModels(db, 'kept', 1).model<Row>('rows');
  await mine.upsert('r-2', at('r-2', 1), bump('received'));
  // Another process writes version 2 (its own client: this process's copy is now behind).
  await new MongoReadModels(t.db, 'kept', 1).model<Row>('rows').upsert('r-2', at('r-2', 2), bump('filed'));
  expect(await mine.upsert('r-2', at('r-2', 3), bump('linked'))).toBe(true);
  expect(await t.db.collection('rm_kept_rows_g1').findOne({ _id: 'r-2' as never })).toMatchObject({ status: 'linked', touches: 3 });

  // The same in a log batch: its conditional write fails, the batch is told to run again, and the
  // rerun reads the database instead of the copy.
  await mine.upsert('r-3', at('r-3', 1), bump('received'));
  await new MongoReadModels(t.db, 'kept', 1).model<Row>('rows').upsert('r-3', at('r-3', 2), bump('filed'));
  const batch = new BatchReadModels(db, 'kept', 1);
  await batch.model<Row>('rows').upsert('r-3', at('r-3', 3), bump('linked'));
  await expect(batch.flush()).rejects.toThrow(/changed while a batch was built on it/);
  const rerun = new BatchReadModels(db, 'kept', 1, false); // as the projector reruns: reading first
  for (const v of [1, 2, 3]) await rerun.model<Row>('rows').upsert('r-3', at('r-3', v), bump(['received', 'filed', 'linked'][v - 1]!));
  await rerun.flush();
  expect(await t.db.collection('rm_kept_rows_g1').findOne({ _id: 'r-3' as never })).toMatchObject({ status: 'linked', touches: 3 });
});

it('answers a read from the kept copy only while it is fresh, and no caller can change the kept copy', async () => {
  const rows = new MongoReadModels(db, 'kept', 1).model<Row>('rows');
  await rows.upsert('r-4', at('r-4', 1), bump('received'));
  finds.length = 0;
  const read = await rows.get('r-4');
  expect(read).toEqual({ status: 'received', touches: 1 });
  expect(finds).toEqual([]);
  read!.status = 'changed by a caller';
  expect((await rows.get('r-4'))!.status).toBe('received');
  // Another writer's change shows once the copy is older than the freshness bound.
  await t.db.collection('rm_kept_rows_g1').updateOne({ _id: 'r-4' as never }, { $set: { status: 'elsewhere' } });
  await new Promise((r) => setTimeout(r, KEPT_FRESH_MS + 50));
  expect((await rows.get('r-4'))!.status).toBe('elsewhere');
  expect(finds).toEqual(['rm_kept_rows_g1']);
});

it('keeps documents per client: another client (a restarted process) starts with none', () => {
  expect(documentsKeptFor(db)).toBe(documentsKeptFor(client.db(t.db.databaseName)));
  expect(documentsKeptFor(db)).not.toBe(documentsKeptFor(t.db));
});

it("never has two of this process's writes to one document under way at once (FerretDB's conditional write is two steps)", async () => {
  const name = 'rm_kept_rows_g1';
  let inFlight = 0;
  let most = 0;
  const watched = new Proxy(db.collection(name), {
    get(target, prop, receiver) {
      const real = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'replaceOne' || typeof real !== 'function') return real;
      return async (...args: unknown[]) => {
        most = Math.max(most, ++inFlight);
        try {
          return await (real as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          inFlight--;
        }
      };
    },
  });
  // Both writers see the watched collection: the projector's batches through their database.
  const watchedDb = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'collection') return (n: string) => (n === name ? watched : target.collection(n));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const inline = new MongoReadModel<Row>(watched, documentsKeptFor(db));
  await inline.upsert('r-6', at('r-6', 1), bump('received'));
  // Another stream's events on the same document (log positions), from both writers at once.
  const writes: Array<Promise<unknown>> = [];
  for (let p = 10; p < 30; p += 2) {
    writes.push(inline.upsert('r-6', { position: p }, bump(`inline ${p}`)));
    const batch = new BatchReadModels(watchedDb, 'kept', 1);
    writes.push(
      batch
        .model<Row>('rows')
        .upsert('r-6', { position: p + 1 }, bump(`batch ${p + 1}`))
        .then(() => batch.flush())
        .catch(() => undefined), // a batch that lost the race runs again in the projector; not here
    );
  }
  await Promise.all(writes);
  expect(inFlight).toBe(0);
  expect(most).toBe(1);
});

it('a read that started before a write never puts its older copy over the written one', async () => {
  const name = 'rm_kept_rows_g1';
  const rows = new MongoReadModels(db, 'kept', 1).model<Row>('rows');
  await rows.upsert('r-7', at('r-7', 1), bump('received'));
  documentsKeptFor(db).forget(name, 'r-7'); // so the read below asks the database
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  // A read whose answer (version 1) arrives only after a write of version 2 was kept.
  const slow = new Proxy(db.collection(name), {
    get(target, prop, receiver) {
      if (prop !== 'findOne') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<(typeof target)['findOne']>) => {
        const found = await target.findOne(...args);
        await gate;
        return found;
      };
    },
  });
  const read = new MongoReadModel<Row>(slow, documentsKeptFor(db)).get('r-7');
  await rows.upsert('r-7', at('r-7', 2), bump('filed'));
  release();
  expect((await read)!.status).toBe('received');
  expect((await rows.get('r-7'))!.status).toBe('filed');
});
