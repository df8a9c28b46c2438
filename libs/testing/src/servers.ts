import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { MongoClient, type Db } from 'mongodb';

/** Addresses of the run's shared servers, as the jest global set-up published them. */
export function testServers(): { kafkaBrokers: string[]; mongoUri: string } {
  const kafka = process.env.KAFKA_BROKERS;
  const mongo = process.env.MONGODB_URI;
  if (!kafka || !mongo)
    throw new Error('KAFKA_BROKERS / MONGODB_URI are not set: run int/e2e tests through jest (its global set-up provisions them)');
  return { kafkaBrokers: kafka.split(','), mongoUri: mongo };
}

/** A name unique to this test file and run, safe as a database name or topic prefix. */
export function uniqueName(hint: string): string {
  const clean = basename(hint)
    .replace(/\.(unit|int|e2e)\.spec\.ts$/, '')
    .replace(/[^a-zA-Z0-9]/g, '_')
    .slice(0, 24);
  return `t_${clean}_${randomBytes(4).toString('hex')}`;
}

/**
 * A fresh database for one test file. Usage: `const t = await testDatabase(__filename); … afterAll(() => t.close())`.
 * Not dropped on close: FerretDB 1.24 (SQLite) can crash with SIGBUS when a database is dropped
 * while another connection still reads it — one failing test would then take every other test file
 * down with it. The server's data folder is fresh on every start, so nothing piles up across runs.
 */
export async function testDatabase(hint: string): Promise<{ client: MongoClient; db: Db; close: () => Promise<void> }> {
  const client = new MongoClient(testServers().mongoUri);
  await client.connect();
  const db = client.db(uniqueName(hint));
  return {
    client,
    db,
    close: async () => {
      await client.close();
    },
  };
}
