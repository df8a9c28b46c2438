// Writers and sequencers killed with SIGKILL mid-flight must not leave holes, repeats or lost
// acknowledged appends in the ordered log; a reader tails it the whole time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { testDatabase, testServers } from '@yiwang/testing';
import { MongoEventStore } from './mongo-event-store';
import { LogTail, orderedLogViolations } from './conformance/ordered-log-checks';

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(() => t.close());

function startWorker(id: string, acked: Array<{ streamId: string; version: number }>): ChildProcess {
  // `--import tsx` runs the worker in this very process; the tsx CLI would fork a grandchild that
  // survives the SIGKILL meant for it.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'conformance', 'append-worker.ts'), testServers().mongoUri, t.db.databaseName, id],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  createInterface({ input: child.stdout! }).on('line', (line) => acked.push(JSON.parse(line) as { streamId: string; version: number }));
  return child;
}

it('keeps the log contiguous and complete when writers and the sequencer holder are killed mid-append', async () => {
  const store = new MongoEventStore(t.db, { serviceName: 'crash', sequencer: { owner: 'survivor', leaseTtlMs: 1000, pollIntervalMs: 10 } });
  await store.init();
  const acked: Array<{ streamId: string; version: number }> = [];
  const workers = [startWorker('a', acked), startWorker('b', acked)];
  const tail = new LogTail(store, 100);
  // Let them write for a while; one of them holds the sequencer lease.
  const deadline = Date.now() + 30_000;
  while (acked.length < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null || w.signalCode !== null ? r(null) : w.once('exit', r)))));
  expect(acked.length).toBeGreaterThanOrEqual(150);

  // The survivor takes the lease once the dead holder's term expires, and finishes the job.
  store.startSequencer();
  const until = Date.now() + 20_000;
  while ((await store.unsequencedCount()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await store.stopSequencer();
  const seen = await tail.stop();

  expect(await store.unsequencedCount()).toBe(0);
  expect(orderedLogViolations(seen)).toEqual([]);
  // Every acknowledged append is in the log…
  const inLog = new Map<string, number>();
  for (const e of seen) inLog.set(e.streamId, Math.max(inLog.get(e.streamId) ?? 0, e.streamVersion));
  for (const a of acked) expect(inLog.get(a.streamId) ?? 0).toBeGreaterThanOrEqual(a.version);
  // …and so is every commit that landed but was never acknowledged (killed before it could print).
  const streams = [...new Set((await store.commits.find({}, { projection: { streamId: 1 } }).toArray()).map((c) => c.streamId))];
  for (const s of streams) expect(inLog.get(s)).toBe(await store.streamHead(s));
}, 90_000);
