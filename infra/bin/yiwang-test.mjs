#!/usr/bin/env node
// The README's test command (after `npm install`): generate protos, typecheck, lint, check formatting, then every jest tier
// in one run. Jest's global set-up provisions Kafka and the MongoDB-wire server unless
// KAFKA_BROKERS / MONGODB_URI are given (see infra/local/servers.mjs).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const bin = (name) => resolve(root, 'node_modules', '.bin', name);
const steps = [
  ['protos (buf lint + ts-proto)', process.execPath, [resolve(root, 'infra/bin/gen-proto.mjs')]],
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['lint', bin('eslint'), ['.', '--max-warnings=0']],
  ['format (prettier --check)', bin('prettier'), ['--check', '--log-level=warn', '.']],
  // Two workers even on two cores: the suites mostly wait on Kafka and the database (one worker
  // keeps a 2-core machine at a load of about 1), so two halve the wall time without crowding it.
  ['tests (unit, int, e2e)', bin('jest'), ['--ci', '--maxWorkers=2', ...process.argv.slice(2)]],
];
const started = Date.now();
for (const [name, cmd, args] of steps) {
  const t = Date.now();
  console.log(`\n=== ${name}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\nall green in ${((Date.now() - started) / 1000).toFixed(1)} s`);
