#!/usr/bin/env node
// Lints the protos with buf and generates TypeScript with ts-proto into libs/proto/src/gen.
// Breaking-change check: against the git tag `proto-baseline` once a release has been tagged.
import { spawnSync } from 'node:child_process';
import { rmSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const buf = join(root, 'node_modules', '.bin', 'buf');
const sh = (args) => {
  const r = spawnSync(buf, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
sh(['lint', 'proto']);
const hasBaseline = spawnSync('git', ['rev-parse', '-q', '--verify', 'refs/tags/proto-baseline'], { cwd: root }).status === 0;
if (hasBaseline) sh(['breaking', 'proto', '--against', '.git#tag=proto-baseline,subdir=proto']);
// Generated beside the live folder and swapped in, so a typecheck or test running meanwhile never
// sees a half-written or missing gen/ (two runs at once each swap in a complete tree).
const out = join(root, 'libs', 'proto', 'src', 'gen');
const staging = join(root, 'libs', 'proto', 'src', `.gen-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
sh(['generate', 'proto', '--template', 'proto/buf.gen.yaml', '-o', staging]);
const produced = join(staging, 'libs', 'proto', 'src', 'gen');
if (!existsSync(join(produced, 'yiwang'))) { console.error('ts-proto produced nothing'); process.exit(1); }
const old = `${out}.old-${process.pid}`;
if (existsSync(out)) renameSync(out, old);
renameSync(produced, out);
rmSync(old, { recursive: true, force: true });
rmSync(staging, { recursive: true, force: true });
