// The local supervisor of `npm start` (infra/local/supervisor.mjs): a child that dies is started
// again with growing pauses, one that keeps dying is given up on with a message, and stopping it
// (Ctrl-C) ends the child without a restart. Real processes, run from a small ES-module harness.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const SUPERVISOR = join(ROOT, 'infra', 'local', 'supervisor.mjs');
jest.setTimeout(60_000);

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'yiwang-supervisor-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A child that counts its starts in `starts` and, while the count is within `crashes`, kills itself
 * with `how`; after that it stays up, writes "up" and on SIGTERM writes "term" and exits.
 */
const childScript = (crashes: number, how: 'SIGKILL' | 'exit3') => `
const fs = require('node:fs');
const dir = ${JSON.stringify(dir)};
const n = (fs.existsSync(dir + '/starts') ? Number(fs.readFileSync(dir + '/starts', 'utf8')) : 0) + 1;
fs.writeFileSync(dir + '/starts', String(n));
if (n <= ${crashes}) { ${how === 'SIGKILL' ? "process.kill(process.pid, 'SIGKILL');" : 'process.exit(3);'} }
else {
  fs.writeFileSync(dir + '/up', String(process.pid));
  process.on('SIGTERM', () => { fs.writeFileSync(dir + '/term', 'yes'); process.exit(0); });
  setInterval(() => {}, 1000);
}`;

/** Supervises the child, prints every message, and once it is up (or given up on) stops and prints the outcome. */
function harness(crashes: number, how: 'SIGKILL' | 'exit3', maxRapidFailures: number): Promise<string[]> {
  const script = `
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { supervise } from ${JSON.stringify(SUPERVISOR)};
const child = ${JSON.stringify(childScript(crashes, how))};
const sup = supervise({
  name: 'flaky',
  spawn: () => spawn(process.execPath, ['-e', child], { stdio: 'ignore' }),
  say: (l) => console.log(l),
  initialDelayMs: 20,
  maxDelayMs: 100,
  stableMs: 30000,
  maxRapidFailures: ${maxRapidFailures},
  onGiveUp: () => { console.log('GAVE UP'); process.exit(0); },
});
const wait = setInterval(async () => {
  if (!existsSync(${JSON.stringify(join(dir, 'up'))})) return;
  clearInterval(wait);
  await sup.stop(5000);
  console.log('STOPPED restarts=' + sup.restarts);
  setTimeout(() => process.exit(0), 300);
}, 20);
`;
  return new Promise((done, fail) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 50_000 }, (error, stdout, stderr) =>
      error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout.trim().split('\n')),
    ),
  );
}

it('restarts a child killed with SIGKILL, with doubling pauses, and stops it cleanly without a restart', async () => {
  const lines = await harness(3, 'SIGKILL', 8);
  expect(lines).toEqual([
    '↻ flaky exited (SIGKILL), restarting in 0.02 s (restart 1)',
    '↻ flaky exited (SIGKILL), restarting in 0.04 s (restart 2)',
    '↻ flaky exited (SIGKILL), restarting in 0.08 s (restart 3)',
    'STOPPED restarts=3',
  ]);
  expect(readFileSync(join(dir, 'starts'), 'utf8')).toBe('4');
  // Stopping sent SIGTERM to the running child (its handler ran), and nothing started it again.
  expect(readFileSync(join(dir, 'term'), 'utf8')).toBe('yes');
});

it('caps the pause at the ceiling and gives up after too many rapid failures, saying so', async () => {
  const lines = await harness(100, 'exit3', 4);
  expect(lines).toEqual([
    '↻ flaky exited (code 3), restarting in 0.02 s (restart 1)',
    '↻ flaky exited (code 3), restarting in 0.04 s (restart 2)',
    '↻ flaky exited (code 3), restarting in 0.08 s (restart 3)',
    '↻ flaky exited (code 3), restarting in 0.1 s (restart 4)',
    '✗ flaky exited (code 3) 5 times in a row, each within 30 s of starting; not restarting it again',
    'GAVE UP',
  ]);
  expect(readFileSync(join(dir, 'starts'), 'utf8')).toBe('5');
});
