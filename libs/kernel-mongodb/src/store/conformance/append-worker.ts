/**
 * A writer process for the crash test: appends to many streams and sequences, forever, printing
 * each acknowledged append as one JSON line. The test SIGKILLs it mid-flight.
 * Usage: tsx append-worker.ts <mongoUri> <dbName> <workerId>
 */
import { MongoClient } from 'mongodb';
import { MongoEventStore } from '../mongo-event-store';

async function main(): Promise<void> {
  const [uri, dbName, worker] = process.argv.slice(2);
  if (!uri || !dbName || !worker) throw new Error('usage: append-worker <uri> <db> <worker>');
  const client = await MongoClient.connect(uri);
  const store = new MongoEventStore(client.db(dbName), {
    serviceName: 'crash',
    sequencer: { owner: `worker-${worker}`, leaseTtlMs: 1000 },
  });
  store.startSequencer();
  for (let i = 0; ; i++) {
    const streamId = `crash-${worker}-${i % 7}`;
    const r = await store.append(streamId, 'any', [
      { type: 'test.crash.v1', data: { worker, i, part: 1 } },
      { type: 'test.crash.v1', data: { worker, i, part: 2 } },
    ]);
    process.stdout.write(`${JSON.stringify({ streamId, version: r.nextExpectedVersion })}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(String(e));
  process.exit(1);
});
