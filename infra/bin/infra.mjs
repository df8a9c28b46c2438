#!/usr/bin/env node
// `npm run infra:up` starts (or finds) Kafka and the MongoDB-wire server and leaves them running, on
// the data of their last run (after a crash too: topics, offsets and documents survive);
// `npm run infra:up -- --fresh` starts them on empty storage (refused while they run);
// `npm run infra:reset` stops them and starts them on empty storage;
// `npm run infra:down` stops the local ones. Prints the addresses as env assignments.
import { ensureServers, stopLocalServers } from '../local/servers.mjs';

const [cmd = 'up', ...rest] = process.argv.slice(2);
const unknown = rest.filter((a) => !(cmd === 'up' && a === '--fresh'));
if (!['up', 'down', 'reset'].includes(cmd) || unknown.length > 0) {
  console.error(`usage: infra.mjs up [--fresh] | down | reset (got ${[cmd, ...rest].join(' ')})`);
  process.exit(2);
}
try {
  if (cmd === 'down' || cmd === 'reset') await stopLocalServers();
  if (cmd === 'up' || cmd === 'reset') {
    const s = await ensureServers({ keep: true, fresh: cmd === 'reset' || rest.includes('--fresh') });
    console.log(`KAFKA_BROKERS=${s.kafkaBrokers}\nMONGODB_URI=${s.mongoUri}`);
  }
} catch (e) {
  console.error(`✗ ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
