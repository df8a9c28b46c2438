// A closed-loop load generator that runs in its own process (spawned by read-models.bench.ts), so
// that the driver never shares an event loop with the service or with the other driver it is
// compared with. `concurrency` callers each send their next request when the last one answered.
//
//   node --import tsx bench/read-load.ts '<json of LoadSpec>'   → prints one JSON LoadResult
import { MongoClient } from 'mongodb';
import { MongoEventStore } from '@yiwang/kernel-mongodb';

export type LoadSpec =
  | { kind: 'http'; urls: string[]; headers: Record<string, string>; concurrency: number; seconds: number }
  | { kind: 'mongo'; uri: string; db: string; collection: string; ids: string[]; concurrency: number; seconds: number }
  /** What GetCase read before it had a read model: the case's stream (its commit chain, by `_id`). */
  | { kind: 'stream'; uri: string; db: string; streamIds: string[]; concurrency: number; seconds: number };

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly seconds: number;
  readonly latenciesMs: number[];
  /** CPU this driver process spent while driving (user + system), in seconds. */
  readonly cpuSeconds: number;
}

async function drive(spec: LoadSpec, call: (i: number) => Promise<void>): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await call(next++);
          latenciesMs.push(performance.now() - t);
        } catch (e) {
          errors++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { requests: latenciesMs.length, errors, firstError, seconds: (performance.now() - start) / 1000, latenciesMs, cpuSeconds };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
  if (spec.kind === 'http') {
    const result = await drive(spec, async (i) => {
      const res = await fetch(spec.urls[i % spec.urls.length]!, { headers: spec.headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    });
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const client = await MongoClient.connect(spec.uri, { maxPoolSize: spec.concurrency });
  try {
    if (spec.kind === 'stream') {
      const store = new MongoEventStore(client.db(spec.db), { serviceName: 'dispatch' });
      const result = await drive(spec, async (i) => {
        if ((await store.readStream(spec.streamIds[i % spec.streamIds.length]!)).version === 0) throw new Error('no such stream');
      });
      process.stdout.write(JSON.stringify(result));
      return;
    }
    const collection = client.db(spec.db).collection<{ _id: string }>(spec.collection);
    // Warm the pool: every caller's connection is open before the clock starts, as the services' are.
    await Promise.all(Array.from({ length: spec.concurrency }, () => collection.findOne({ _id: spec.ids[0]! })));
    const result = await drive(spec, async (i) => {
      if ((await collection.findOne({ _id: spec.ids[i % spec.ids.length]! })) === null) throw new Error('not found');
    });
    process.stdout.write(JSON.stringify(result));
  } finally {
    await client.close();
  }
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
