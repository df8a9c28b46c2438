// `npx tsx bench/db-ops-summary.ts <BENCH_DB_OPS dir> <units> [unit name]`: adds up the command
// counts the services of one run wrote there (bench/count-db-ops.ts, one file per process) and
// prints commands and writes per unit (a report of the intake → dispatch bench, say), by service
// and by command and collection. The count covers each process's whole life, start-up and idle
// lease renewals included, so a short run overstates the per-unit figure a little.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WRITES = /^(insert|update|delete|findAndModify) /;

function main(): void {
  const [dir, unitsArg, unitName = 'report'] = process.argv.slice(2);
  const units = Number(unitsArg);
  if (!dir || !(units > 0)) throw new Error('usage: db-ops-summary <dir> <units> [unit name]');
  const all = new Map<string, number>();
  const lines: string[] = [`| process | commands | writes | commands per ${unitName} | writes per ${unitName} |`, '|---|---|---|---|---|'];
  let commands = 0;
  let writes = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const ops = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, { count: number }>;
    let c = 0;
    let w = 0;
    for (const [k, v] of Object.entries(ops)) {
      c += v.count;
      if (WRITES.test(k)) w += v.count;
      all.set(k, (all.get(k) ?? 0) + v.count);
    }
    commands += c;
    writes += w;
    lines.push(`| ${f.replace(/\.json$/, '')} | ${c} | ${w} | ${(c / units).toFixed(1)} | ${(w / units).toFixed(1)} |`);
  }
  lines.push(`| **all** | ${commands} | ${writes} | **${(commands / units).toFixed(1)}** | **${(writes / units).toFixed(1)}** |`, '');
  lines.push(`| command collection | per ${unitName} |`, '|---|---|');
  for (const [k, c] of [...all.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`| ${k} | ${(c / units).toFixed(2)} |`);
  console.log(lines.join('\n'));
}

main();
