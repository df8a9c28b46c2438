// Starts a service's main.ts as a child process (`node --import tsx`, as `npm start` does) and stops
// it again: the benchmark measures the services as they run in production, each on its own event
// loop, not sharing one with the load generator.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ServiceProcess {
  readonly name: string;
  readonly log: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function startService(root: string, name: string, env: Record<string, string>, logDir: string): ServiceProcess {
  const log = join(logDir, `${name}.log`);
  const fd = openSync(log, 'a');
  // BENCH_CPU_PROF=<dir>: each service writes a V8 CPU profile there when it exits (for finding the bottleneck).
  const prof = process.env['BENCH_CPU_PROF'] ? ['--cpu-prof', '--cpu-prof-dir', join(process.env['BENCH_CPU_PROF'], name)] : [];
  // BENCH_DB_OPS=<dir>: each service counts its database commands (bench/count-db-ops.ts).
  const count = process.env['BENCH_DB_OPS'] ? ['--import', join(root, 'bench', 'count-db-ops.ts')] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', ...count, join(root, 'services', name, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return {
    name,
    log,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function waitReady(service: ServiceProcess, url: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited (${service.child.exitCode}); see ${service.log}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`${service.name} not ready at ${url}; see ${service.log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
