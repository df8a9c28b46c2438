#!/usr/bin/env node
// `npm run infra:up` starts (or finds) Kafka and the MongoDB-wire server and leaves them running;
// `npm run infra:down` stops the local ones. Prints the addresses as env assignments.
import { ensureServers, stopLocalServers } from '../local/servers.mjs';

const cmd = process.argv[2] ?? 'up';
if (cmd === 'up') {
  const s = await ensureServers({ keep: true });
  console.log(`KAFKA_BROKERS=${s.kafkaBrokers}\nMONGODB_URI=${s.mongoUri}`);
} else if (cmd === 'down') {
  await stopLocalServers();
} else {
  console.error(`usage: infra.mjs up|down (got ${cmd})`);
  process.exit(2);
}
