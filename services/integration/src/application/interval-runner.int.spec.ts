// Scheduled work under a shared lease: two replicas tick, only the holder runs.
import { MongoLease } from '@yiwang/kernel-mongodb';
import { LeaseLostError } from '@yiwang/kernel-core';
import { testDatabase } from '@yiwang/testing';
import { IntervalRunner } from './interval-runner';

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(() => t.close());

const waitFor = async (check: () => boolean, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

it('two replicas on one lease: the holder runs every tick, the other none; after the holder stops, the other takes over', async () => {
  const runs = { a: 0, b: 0 };
  // A ttl far longer than the interval: the holder renews at each tick and keeps it.
  const runner = (name: 'a' | 'b') =>
    new IntervalRunner({
      intervalMs: 30,
      lease: new MongoLease(t.db, 'reconciler', name, { ttlMs: 5_000 }),
      run: async () => void runs[name]++,
    });
  const a = runner('a');
  const b = runner('b');
  a.start();
  await waitFor(() => runs.a >= 1);
  b.start();
  await waitFor(() => runs.a >= 8);
  expect(runs.b).toBe(0);
  await a.stop(); // releases the lease: b need not wait for the expiry
  const aRuns = runs.a;
  await waitFor(() => runs.b >= 3);
  expect(runs.a).toBe(aRuns);
  await b.stop();
});

it('hands the run a fence that refuses once another replica took the lease over mid-run', async () => {
  const name = 'reconciler-fenced';
  const lease = new MongoLease(t.db, name, 'holder', { ttlMs: 10_000 });
  // A contender whose clock runs a lease ahead sees the claim as expired and takes the next term.
  const contender = new MongoLease(t.db, name, 'contender', { ttlMs: 10_000, now: () => new Date(Date.now() + 12_000) });
  const repairs: number[] = [];
  const errors: unknown[] = [];
  let runs = 0;
  const runner = new IntervalRunner({
    intervalMs: 30,
    lease,
    run: async (fence) => {
      if (runs++ > 0) return;
      for (let i = 0; i < 5; i++) {
        await fence();
        repairs.push(i);
        if (i === 1) expect(await contender.tryAcquire()).toBe(true);
      }
    },
    onError: (e) => errors.push(e),
  });
  runner.start();
  try {
    await waitFor(() => errors.length > 0);
    expect(repairs).toEqual([0, 1]);
    expect(errors[0]).toBeInstanceOf(LeaseLostError);
  } finally {
    await runner.stop();
  }
});
