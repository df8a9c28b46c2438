// ghz, a gRPC load generator, for the read benchmark (bench/read-models.bench.ts): it drives our
// servers from its own process through server reflection, as an outside client would. Built once
// with `go install` into the cache, like grpcurl.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, log, requireTool, run } from './process.mjs';

export const GHZ_VERSION = 'v0.121.0';

export function ensureGhz() {
  if (process.env.GHZ_BIN && existsSync(process.env.GHZ_BIN)) return process.env.GHZ_BIN;
  const dir = join(cacheDir(), `ghz-${GHZ_VERSION}`);
  const bin = join(dir, 'ghz');
  if (existsSync(bin)) return bin;
  requireTool('go', ['version'], 'Go 1.22+ (to build ghz)');
  log(`building ghz ${GHZ_VERSION} with Go into ${bin} (once)`);
  run('go', ['install', `github.com/bojand/ghz/cmd/ghz@${GHZ_VERSION}`], {
    env: { ...process.env, GOBIN: dir, GOFLAGS: '-mod=mod' },
  });
  return bin;
}
