// Scheduled work under a shared lease: two replicas tick, only the holder runs.
import { MongoLease } from '@yiwang/kernel-mongodb';
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
