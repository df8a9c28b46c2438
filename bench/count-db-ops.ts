// Preloaded into a service by the intake→dispatch bench when BENCH_DB_OPS=<dir> is set
// (`node --import ./bench/count-db-ops.ts …`): counts the MongoDB commands the process sends, by
// command and collection, with their total time, and writes them to <dir>/<pid>.json on exit.
// Tells how many database round trips one report costs, which is what bounds throughput here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient, type CommandStartedEvent, type CommandSucceededEvent, type CommandFailedEvent } from 'mongodb';

const dir = process.env['BENCH_DB_OPS'];
if (dir) {
  const ops = new Map<string, { count: number; ms: number }>();
  const started = new Map<number, string>();
  const connect = MongoClient.prototype.connect;
  MongoClient.prototype.connect = function (this: MongoClient) {
    (this as unknown as { monitorCommands: boolean }).monitorCommands = true;
    this.on('commandStarted', (e: CommandStartedEvent) => {
      const target = e.command[e.commandName];
      started.set(e.requestId, `${e.commandName} ${typeof target === 'string' ? target.replace(/_g\d+$/, '') : ''}`.trim());
    });
    const done = (e: CommandSucceededEvent | CommandFailedEvent) => {
      const key = started.get(e.requestId);
      if (!key) return;
      started.delete(e.requestId);
      const o = ops.get(key) ?? { count: 0, ms: 0 };
      o.count++;
      o.ms += e.duration;
      ops.set(key, o);
    };
    this.on('commandSucceeded', done);
    this.on('commandFailed', done);
    return connect.call(this) as Promise<MongoClient>;
  } as typeof connect;
  process.on('exit', () => writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(Object.fromEntries(ops), null, 1)));
}
