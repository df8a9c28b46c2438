// `npm run bench [-- --scale N] [--only event-store|relay|intake-to-dispatch|read|idle|database-costs|parking|heating-ingest|sanitation|enforcement] [--concurrency 20] [--idle-seconds 60] [--rates 50,100,200,500]
// [--seconds 5]`: provisions servers like the tests do, runs each benchmark, prints markdown with
// ratios against a baseline measured in the same process (see docs/benchmarks.md).
import { benchEventStore } from './event-store.bench';
import { benchOpscenterSync } from './opscenter-sync.bench';
import { benchIntakeToDispatch } from './intake-to-dispatch.bench';
import { benchRelay } from './relay.bench';
import { benchReplay } from './replay.bench';
import { benchIdle } from './idle.bench';
import { benchRead } from './read-models.bench';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

async function main(): Promise<void> {
  const scale = Number(arg('scale') ?? 1);
  const only = arg('only');
  const rates = (arg('rates') ?? '50,100,200,500').split(',').map(Number);
  const seconds = Number(arg('seconds') ?? 5);
  if (rates.some((r) => !(r > 0)) || !(seconds > 0))
    throw new Error('--rates takes positive numbers (50,100,…), --seconds a positive number');
  const run = (name: string) => only === undefined || only === name;
  const { ensureServers } = await import('../infra/local/servers.mjs');
  const servers = await ensureServers();
  try {
    console.log(`# Yiwang benchmarks (${new Date().toISOString()}, scale ${scale})\n`);
    if (run('event-store')) console.log(await benchEventStore(servers.mongoUri, scale));
    if (run('relay')) console.log(await benchRelay(servers, scale));
    if (run('opscenter-sync')) console.log(await benchOpscenterSync(servers, { cases: 50 * scale }));
    if (run('intake-to-dispatch')) console.log(await benchIntakeToDispatch(servers, { rates, seconds }));
    if (run('replay')) console.log(await benchReplay(servers, scale));
    if (run('parking')) console.log(await (await import('./parking.bench')).benchParking(servers, { rates, seconds }));
    if (run('read')) console.log(await benchRead(servers, { cases: 40 * scale, seconds, concurrency: Number(arg('concurrency') ?? 20) }));
    if (run('heating-ingest'))
      console.log(await (await import('./heating-ingest.bench')).benchHeatingIngest(servers, { rounds: 20 * scale }));
    if (run('sanitation')) console.log(await (await import('./sanitation.bench')).benchSanitation(servers, scale));
    if (run('enforcement')) console.log(await (await import('./enforcement.bench')).benchEnforcement(servers, { cases: 40 * scale }));
    if (run('database-costs'))
      console.log(await (await import('./database-costs.bench')).benchDatabaseCosts({ sizes: [10, 1_000, 5_000 * scale], commands: 100 }));
    if (run('idle')) console.log(await benchIdle(servers, { seconds: Number(arg('idle-seconds') ?? 60), events: 50 * scale }));
  } finally {
    await servers.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
