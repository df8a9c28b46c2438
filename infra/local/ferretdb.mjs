// FerretDB 1.24 (MongoDB wire protocol) on the SQLite backend, built once with Go and cached.
import { existsSync, mkdirSync, rmSync, writeFileSync, cpSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, freshDataDir, latestDataDir, log, portOpen, requireTool, run, startDaemon, stopDaemon, waitFor } from './process.mjs';

export const FERRETDB_VERSION = 'v1.24.0';

export function ferretSettings(stateRoot) {
  return {
    port: Number(process.env.YIWANG_MONGO_PORT ?? 27018),
    dir: join(stateRoot, 'ferretdb'),
  };
}

/**
 * `go install …/cmd/ferretdb@v1.24.0` does not work as is: the module proxy refuses the version
 * list that go install reads for deprecation notices, and the module zip lacks the generated
 * build/version/version.txt that the binary panics without. So we download the module with
 * `go mod download`, copy it, write version.txt and `go build` it — the same source, same result.
 */
export function ensureFerretBinary() {
  const bin = join(cacheDir(), `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
  if (existsSync(bin)) return bin;
  requireTool('go', ['version'], 'Go 1.22+');
  log(`building FerretDB ${FERRETDB_VERSION} with Go into ${bin} (once)`);
  const work = join(cacheDir(), `ferretdb-${FERRETDB_VERSION}.build`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
  const dl = JSON.parse(run('go', ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], { cwd: work, env }));
  const src = join(work, 'src');
  cpSync(dl.Dir, src, { recursive: true });
  chmodSync(src, 0o755);
  run('chmod', ['-R', 'u+w', src]);
  writeFileSync(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  mkdirSync(join(cacheDir(), `ferretdb-${FERRETDB_VERSION}`), { recursive: true });
  run('go', ['build', '-o', bin, './cmd/ferretdb'], { cwd: src, env });
  rmSync(work, { recursive: true, force: true });
  return bin;
}

async function ferretAnswers(port) {
  if (!(await portOpen(port))) return false;
  const { MongoClient } = await import('mongodb');
  const c = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 1000, directConnection: true });
  try {
    await c.connect();
    await c.db('admin').command({ ping: 1 });
    return true;
  } finally {
    await c.close().catch(() => {});
  }
}

/** Starts FerretDB unless something answers, on the last run's data unless `fresh` (as kafkaUp). */
export async function ferretUp(stateRoot, { fresh = false } = {}) {
  const s = ferretSettings(stateRoot);
  const uri = `mongodb://127.0.0.1:${s.port}/`;
  // Something listens: reuse it, even if it is slow to answer under load. Restarting a server that is
  // merely busy would pull the data from under every other test run using it.
  if (await portOpen(s.port)) {
    await waitFor(`the MongoDB-wire server on ${uri}`, () => ferretAnswers(s.port), { timeoutMs: 60_000 });
    log(`a MongoDB-wire server already answers on ${uri}, reusing it`);
    return { uri, started: false };
  }
  const bin = ensureFerretBinary();
  // Ours but not answering goes first, so no second process opens the same SQLite files.
  await stopDaemon(s.dir, 'ferretdb');
  // SQLite rolls back or replays its journal on open, so a folder left by a kill -9 is safe to carry on with.
  const previous = fresh ? undefined : latestDataDir(s.dir);
  const kept = previous !== undefined;
  const data = kept ? previous : freshDataDir(s.dir);
  const { logFile, exited } = startDaemon({
    name: 'ferretdb',
    dir: s.dir,
    cmd: bin,
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${data}/`,
      `--listen-addr=127.0.0.1:${s.port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      `--state-dir=${s.dir}`,
      '--log-level=WARN',
    ],
  });
  const ms = await waitFor(`FerretDB on ${uri}`, () => ferretAnswers(s.port), { logFile, exited, timeoutMs: 180_000 }).catch(async (e) => {
    await stopDaemon(s.dir, 'ferretdb'); // never leave a half-started server behind
    throw e;
  });
  log(
    `FerretDB ${FERRETDB_VERSION} (SQLite) started on ${uri} in ${ms} ms on ${kept ? 'its existing' : 'new, empty'} data ${data} (log: ${logFile})`,
  );
  return { uri, started: true, kept };
}

export async function ferretDown(stateRoot) {
  const stopped = await stopDaemon(ferretSettings(stateRoot).dir, 'ferretdb');
  if (stopped) log('FerretDB stopped');
  return stopped;
}
