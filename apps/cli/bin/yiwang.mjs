#!/usr/bin/env node
// `npx yiwang …`: runs the TypeScript sources through tsx (no build step) — the same loader as
// `node --import tsx` — with the repo's tsconfig, so the @yiwang/* paths resolve from any folder.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
process.env.TSX_TSCONFIG_PATH ??= join(root, 'tsconfig.json');
await import('tsx');
await import('../src/main.ts');
