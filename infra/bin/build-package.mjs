#!/usr/bin/env node
// `node infra/bin/build-package.mjs <package folder>…`: compiles a package's src/ to dist/ (CommonJS,
// source maps), leaving tests and test helpers out. Transpile-only with swc, per file: the whole
// repo is type-checked once by `npm run typecheck` (and in the image's build stage), so a package
// build needs no knowledge of the others. dist/ mirrors src/, so relative paths to a package's
// data/ folder resolve the same from both. Nx caches it per package (`nx run-many -t build`).
import { transformFile } from '@swc/core';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const TEST_FILE = /\.(spec|test-helpers)\.ts$|(^|\/)testing\.ts$/;

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !TEST_FILE.test(relative(dir, path)) && !TEST_FILE.test(name)) yield path;
  }
}

async function build(pkg) {
  const src = join(root, pkg, 'src');
  const out = join(root, pkg, 'dist');
  rmSync(out, { recursive: true, force: true });
  let n = 0;
  for (const file of sources(src)) {
    const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: true,
      sourceFileName: relative(dirname(target), file),
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
    n++;
  }
  console.log(`${pkg}: ${n} files → ${relative(root, out)}`);
}

const packages = process.argv.slice(2);
if (packages.length === 0) {
  console.error('usage: build-package.mjs <package folder>…');
  process.exit(2);
}
for (const p of packages) await build(p);
