// Small process helpers shared by the local Kafka and FerretDB provisioners.
import { spawn, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdirSync, openSync, readFileSync, writeFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';

export const log = (...a) => {
  if (process.env.YIWANG_QUIET !== '1') console.error('[infra]', ...a);
};

export function cacheDir() {
  return process.env.YIWANG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'yiwang');
}

export function stateDir(repoRoot) {
  return process.env.YIWANG_STATE ?? join(repoRoot, '.yiwang');
}

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Polls check until it holds; gives up at timeoutMs, or at once when `exited()` says the server process is gone. */
export async function waitFor(what, check, { timeoutMs = 90_000, intervalMs = 250, logFile, exited = () => false } = {}) {
  const start = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - start;
    const gone = exited();
    if (gone || Date.now() - start > timeoutMs) {
      const tail = logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
      const why = gone ? 'exited before it was ready' : `did not become ready within ${timeoutMs} ms`;
      throw new Error(`${what} ${why}${tail ? `; last log lines:\n${tail}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${(r.stdout ?? '') + (r.stderr ?? '')}`.slice(0, 6000));
  return r.stdout;
}

export function requireTool(cmd, versionArgs, hint) {
  const r = spawnSync(cmd, versionArgs, { stdio: 'ignore' });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} is needed for the no-Docker path (${hint}); install it or set KAFKA_BROKERS / MONGODB_URI`);
}

/** Starts a daemon detached from this process, logs to a file, records its pid. */
export function startDaemon({ name, cmd, args, dir, env }) {
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  let gone = false;
  child.once('exit', () => (gone = true));
  child.unref();
  writeFileSync(join(dir, `${name}.pid`), String(child.pid));
  return { pid: child.pid, logFile, exited: () => gone };
}

export function readPid(dir, name) {
  try {
    return Number(readFileSync(join(dir, `${name}.pid`), 'utf8'));
  } catch {
    return undefined;
  }
}

export function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The daemon's pid if the recorded process still runs and is ours: after a crash or a reboot the
 * pid file may name a process that reuses the number (or a zombie nobody reaped), and signalling
 * its group would hit an unrelated program. Ours have their state folder on the command line.
 */
export function daemonPid(dir, name) {
  const pid = readPid(dir, name);
  if (!alive(pid)) return undefined;
  let cmdline;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No /proc (macOS) or the process is gone: trust liveness alone.
    return existsSync('/proc/self') ? undefined : pid;
  }
  return cmdline.includes(dir) ? pid : undefined;
}

/** SIGTERM the daemon's process group, then SIGKILL if it lingers; a stale pid file is removed, nothing signalled. */
export async function stopDaemon(dir, name, graceMs = 15_000) {
  const pid = daemonPid(dir, name);
  if (!pid) {
    rmSync(join(dir, `${name}.pid`), { force: true });
    return false;
  }
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const start = Date.now();
  const running = () => daemonPid(dir, name) === pid;
  while (running() && Date.now() - start < graceMs) await new Promise((r) => setTimeout(r, 100));
  if (running()) signal('SIGKILL');
  rmSync(join(dir, `${name}.pid`), { force: true });
  return true;
}

/**
 * The newest `data-<time>` folder under dir (the one the last run used), or undefined. A restart
 * after a crash carries on with it: its topics, offsets and documents are the system's state.
 */
export function latestDataDir(dir) {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir)
    .filter((n) => /^data-\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  return names.length > 0 ? join(dir, names[names.length - 1]) : undefined;
}

/** A new `data-<time>` folder under dir; older ones (from stopped or killed runs) are removed. */
export function freshDataDir(dir) {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir))
    if (name === 'data' || name.startsWith('data-')) rmSync(join(dir, name), { recursive: true, force: true });
  const data = join(dir, `data-${Date.now()}`);
  mkdirSync(data, { recursive: true });
  return data;
}
