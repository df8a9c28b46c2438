// Event store against the raw driver on the same server, in the same process:
// appends vs. insertOne of the same documents, and reading the ordered log vs. a raw cursor.
import { MongoClient } from 'mongodb';
import { MongoEventStore } from '@yiwang/kernel-mongodb';
import { report, timed } from './stats';

export async function benchEventStore(mongoUri: string, scale: number): Promise<string> {
  const client = await MongoClient.connect(mongoUri);
  const db = client.db(`bench_store_${Date.now()}`);
  const out: string[] = ['## Event store (MongoDB-wire server: ' + mongoUri + ')', ''];
  const payload = { category: 'event.01.02', description: 'x'.repeat(300), location: { latitude: 35.21, longitude: 113.24 } };
  const n = 300 * scale;

  for (const concurrency of [1, 8]) {
    const raw = db.collection(`raw_${concurrency}`);
    const baseline = await timed(`raw insertOne ×${concurrency}`, n, concurrency, async (i) => {
      await raw.insertOne({ _id: `r-${i}` as never, type: 'bench.thing.v1', data: payload, at: new Date() });
    });
    const store = new MongoEventStore(db, { serviceName: `bench${concurrency}` });
    const subject = await timed(`append (new stream) ×${concurrency}`, n, concurrency, async (i) => {
      await store.append(`bench${concurrency}-${i}`, 'no_stream', [{ type: 'bench.thing.v1', data: payload }]);
    });
    out.push(report(`append one event, ${concurrency} writer(s), ${n} ops`, baseline, subject));
    const hot = await timed(`append to 20 hot streams ×${concurrency}`, n, concurrency, async (i) => {
      await store.append(`hot${concurrency}-${i % 20}`, 'any', [{ type: 'bench.thing.v1', data: payload }]);
    });
    out.push(report(`append to existing streams (chain walk from cached head), ${concurrency} writer(s)`, baseline, hot));
    const t = Date.now();
    const placed = await store.sequenceOnce();
    out.push(`sequencer placed ${placed} events in ${Date.now() - t} ms (${((placed / (Date.now() - t)) * 1000).toFixed(0)} events/s)\n`);
  }

  // Reading: the whole ordered log page by page vs. a raw cursor over the same segments.
  const store = new MongoEventStore(db, { serviceName: 'bench1' });
  const head = await store.headPosition();
  const rawRead = await timed('raw cursor over es_log', 1, 1, async () => {
    let count = 0;
    for await (const seg of db.collection('es_log').find({})) count += (seg.events as unknown[]).length;
    if (count !== head) throw new Error(`raw read ${count} of ${head}`);
  });
  const logRead = await timed('readAll pages of 1000', 1, 1, async () => {
    let after = 0;
    for (;;) {
      const page = await store.readAll({ after, limit: 1000 });
      if (page.length === 0) break;
      after = page[page.length - 1]!.position;
    }
    if (after !== head) throw new Error(`readAll reached ${after} of ${head}`);
  });
  const perSec = (ms: number) => ((head / ms) * 1000).toFixed(0);
  out.push(`### reading ${head} events from the ordered log`);
  out.push(
    `| run | events/s |\n|---|---|\n| raw cursor | ${perSec(rawRead.seconds * 1000)} |\n| readAll | ${perSec(logRead.seconds * 1000)} |`,
  );
  out.push(`ratio readAll / raw: ${(rawRead.seconds / logRead.seconds).toFixed(2)}×\n`);
  await db.dropDatabase().catch(() => undefined);
  await client.close();
  return out.join('\n');
}
