// Fencing of leased writers on the real MongoDB-wire server: a worker whose term is taken over in
// the middle of a batch writes nothing more; a batch longer than the lease keeps it by renewing.
import type { Collection } from 'mongodb';
import { componentStatuses, LeasedWorker, LeaseLostError, type LoggedEvent, type Projection, type ReadModels } from '@yiwang/kernel-core';
import { testDatabase, until } from '@yiwang/testing';
import { MongoEventStore } from '../store/mongo-event-store';
import { Projector } from '../projections/projector';
import { MongoLease } from './mongo-lease';

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(() => t.close());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A contender whose clock runs `aheadMs` ahead: it sees the holder's claim as expired and takes term n+1. */
const contender = (name: string, aheadMs: number, ttlMs: number): MongoLease =>
  new MongoLease(t.db, name, 'contender', { ttlMs, now: () => new Date(Date.now() + aheadMs) });

describe('a leased worker', () => {
  it('writes nothing after its term was taken over in the middle of a batch', async () => {
    const name = 'fence:takeover';
    const writes: Collection<{ _id: number; afterTakeover: boolean }> = t.db.collection('fence_takeover_writes');
    const lease = new MongoLease(t.db, name, 'holder', { ttlMs: 10_000 });
    let takenOver = false;
    let refused: unknown = null;
    let batches = 0;
    const worker = new LeasedWorker({
      lease,
      pollIntervalMs: 50,
      step: async (fence) => {
        if (batches++ > 0) return false;
        for (let i = 0; i < 10; i++) {
          await fence();
          await writes.insertOne({ _id: i, afterTakeover: takenOver });
          // Mid-batch, a contender whose clock runs a lease ahead takes the next term.
          if (i === 2) takenOver = await contender(name, 12_000, 10_000).tryAcquire();
        }
        return true;
      },
      onError: (e) => (refused ??= e),
    });
    worker.start();
    try {
      await until(async () => refused, 15_000, 'the batch refused');
      expect(takenOver).toBe(true);
      expect(refused).toBeInstanceOf(LeaseLostError);
      expect(await writes.countDocuments({ afterTakeover: true })).toBe(0);
      expect(await writes.countDocuments({})).toBe(3);
      expect(worker.isSurelyHolding).toBe(false);
      // The process says it is the stand-by now (its /readyz body and metrics show it).
      await until(async () => componentStatuses()[`lease:${name}`]?.state === 'standby', 15_000, 'shown as stand-by');
    } finally {
      await worker.stop();
    }
  });

  it('keeps its lease through a batch three times longer than the lease, renewing it meanwhile', async () => {
    const name = 'fence:long-batch';
    // Long enough that a renewal round trip on a loaded machine fits well inside a third of it.
    const ttlMs = 3_000;
    const lease = new MongoLease(t.db, name, 'holder', { ttlMs });
    const rival = new MongoLease(t.db, name, 'rival', { ttlMs });
    let written = 0;
    let rivalWins = 0;
    let rivalTries = 0;
    let done = false;
    const errors: unknown[] = [];
    const worker = new LeasedWorker({
      lease,
      pollIntervalMs: 50,
      step: async (fence) => {
        if (done) return false;
        for (let i = 0; i < 18; i++) {
          await fence();
          written++;
          if (await rival.tryAcquire()) rivalWins++;
          rivalTries++;
          await sleep(ttlMs / 6);
        }
        done = true;
        return true;
      },
      onError: (e) => errors.push(e),
    });
    worker.start();
    try {
      await until(async () => done || errors.length > 0, 40_000, 'the long batch to end');
      expect(errors).toEqual([]);
      expect(written).toBe(18);
      expect(rivalTries).toBe(18);
      expect(rivalWins).toBe(0);
      expect(componentStatuses()[`lease:${name}`]).toMatchObject({ state: 'up', figures: { term: expect.any(Number) } });
    } finally {
      await worker.stop();
    }
  });
});

describe('a projector', () => {
  it('stops writing read models and its checkpoint when its lease is taken over in the middle of a pass', async () => {
    const store = new MongoEventStore(t.db, { serviceName: 'fenced' });
    await store.init();
    for (let i = 0; i < 40; i++) await store.append(`case-${i}`, 'no_stream', [{ type: 't.case.opened.v1', data: { i } }]);
    await store.sequenceOnce();
    const name = 'fenced-rows';
    let takenOver = false;
    const applied: number[] = [];
    const projection: Projection = {
      name,
      handles: ['t.case.opened.v1'],
      async apply(e: LoggedEvent, models: ReadModels) {
        const { i } = e.data as { i: number };
        // Event 15 is in the second batch of ten: the contender takes the lease while it is applied.
        if (i === 15 && !takenOver) takenOver = await contender(`projection:${name}`, 20_000, 15_000).tryAcquire();
        applied.push(i);
        await models.model<{ i: number }>('rows').upsert(e.streamId, e, () => ({ i }));
      },
    };
    const projector = new Projector(t.db, store, projection, { batchSize: 10, pollIntervalMs: 50, leaseTtlMs: 15_000, owner: 'holder' });
    projector.start();
    try {
      await until(async () => takenOver && applied.length >= 20, 15_000, 'the takeover during the second batch');
      await sleep(500);
      const rows = await t.db.collection(`rm_${name}_rows_g1`).countDocuments({});
      const state = await t.db.collection<{ _id: string; position: number }>('projection_state').findOne({ _id: name });
      // The first batch was written; nothing of the second (or later) one.
      expect(rows).toBe(10);
      expect(state?.position ?? 0).toBeLessThanOrEqual(10);
    } finally {
      await projector.stop();
    }
  });
});
