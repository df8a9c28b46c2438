// A FerretDB 1.24 (SQLite, the embedded default) of one bench alone, on its own port and data
// folder: its CPU is the bench's, and other users of the shared server do not disturb it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from './service-processes';

/** utime + stime of a process, in seconds (0 once it is gone or when no pid is known). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

export async function privateFerret(name: string): Promise<{ uri: string; pid: number; stop: () => Promise<void> }> {
  const script = '../infra/local/ferretdb.mjs'; // no type declarations; one export used
  const { ensureFerretBinary } = (await import(script)) as { ensureFerretBinary: () => string };
  const data = mkdtempSync(join(tmpdir(), `yiwang-${name}-ferret-`));
  const port = await freePort();
  const args = ['--handler=sqlite', `--sqlite-url=file:${data}/`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-'];
  const child: ChildProcess = spawn(ensureFerretBinary(), [...args, '--telemetry=disable', `--state-dir=${data}`, '--log-level=ERROR'], {
    stdio: 'ignore',
  });
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  for (let i = 0; ; i++) {
    const c = new MongoClient(uri, { serverSelectionTimeoutMS: 500 });
    try {
      await c.connect();
      await c.db('admin').command({ ping: 1 });
      break;
    } catch (e) {
      if (i > 120) throw e;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await c.close().catch(() => undefined);
    }
  }
  return {
    uri,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(data, { recursive: true, force: true });
    },
  };
}
