// grpcurl, the standard gRPC command-line client, for the system test that proves our servers'
// reflection works for tools that have no .proto files. Built once with `go install` into the cache.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, log, requireTool, run } from './process.mjs';

export const GRPCURL_VERSION = 'v1.9.4';

export function ensureGrpcurl() {
  if (process.env.GRPCURL_BIN && existsSync(process.env.GRPCURL_BIN)) return process.env.GRPCURL_BIN;
  const dir = join(cacheDir(), `grpcurl-${GRPCURL_VERSION}`);
  const bin = join(dir, 'grpcurl');
  if (existsSync(bin)) return bin;
  requireTool('go', ['version'], 'Go 1.22+ (to build grpcurl)');
  log(`building grpcurl ${GRPCURL_VERSION} with Go into ${bin} (once)`);
  run('go', ['install', `github.com/fullstorydev/grpcurl/cmd/grpcurl@${GRPCURL_VERSION}`], {
    env: { ...process.env, GOBIN: dir, GOFLAGS: '-mod=mod' },
  });
  return bin;
}
