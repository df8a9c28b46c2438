// A read model has two writers: the projector and a command's inline projection. A write built on
// an older read must never put an older state over a newer one — the lost update that left a live
// view behind its log after a database restart (the driver retried a stale inline write late).
import type { Collection, Document } from 'mongodb';
import { testDatabase } from '@yiwang/testing';
import { BatchReadModels, MongoReadModel, ReadModelRaceError } from './read-model';

interface Row {
  status: string;
}

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(() => t.close());

const at = (streamVersion: number) => ({ streamId: 'report-1', streamVersion });

/** The real collection, with another writer's write slipped in right after each read. */
function withWriteAfterRead(collection: Collection<Document>, other: () => Promise<void>): Collection<Document> {
  let armed = true;
  return new Proxy(collection, {
    get(target, prop, receiver) {
      if (prop !== 'findOne') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<Collection<Document>['findOne']>) => {
        const found = await target.findOne(...args);
        if (armed) {
          armed = false;
          await other();
        }
        return found;
      };
    },
  });
}

describe('a read-model document written by the projector and an inline projection at once', () => {
  it('a single upsert built on an older read re-reads instead of overwriting the newer state', async () => {
    const collection = t.db.collection('race_single');
    const inline = new MongoReadModel<Row>(collection);
    await inline.upsert('r1', at(1), () => ({ status: 'awaiting_filing' }));
    // While the slow writer holds its read of version 1, the other applies version 3.
    const slow = new MongoReadModel<Row>(
      withWriteAfterRead(collection, async () => {
        await inline.upsert('r1', at(3), () => ({ status: 'dispatched' }));
      }),
    );
    expect(await slow.upsert('r1', at(2), () => ({ status: 'filed' }))).toBe(false);
    expect(await inline.get('r1')).toEqual({ status: 'dispatched' });
  });

  it('a batch whose document changed after it read it refuses to flush, and its rerun keeps the newer state', async () => {
    const inline = new MongoReadModel<Row>(t.db.collection('rm_race_rows_g1'));
    await inline.upsert('r2', at(1), () => ({ status: 'awaiting_filing' }));

    const batch = new BatchReadModels(t.db, 'race', 1, false);
    await batch.model<Row>('rows').upsert('r2', at(2), () => ({ status: 'filed' }));
    await inline.upsert('r2', at(3), () => ({ status: 'dispatched' })); // lands between read and flush
    await expect(batch.flush()).rejects.toBeInstanceOf(ReadModelRaceError);
    expect(await inline.get('r2')).toEqual({ status: 'dispatched' });

    const rerun = new BatchReadModels(t.db, 'race', 1, false);
    expect(await rerun.model<Row>('rows').upsert('r2', at(2), () => ({ status: 'filed' }))).toBe(false);
    await rerun.flush();
    expect(await inline.get('r2')).toEqual({ status: 'dispatched' });
  });
});
