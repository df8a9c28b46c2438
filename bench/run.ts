// `npm run bench [-- --scale N]`: provisions servers like the tests do, runs each benchmark, prints
// markdown with ratios against a baseline measured in the same process (see docs/benchmarks.md).
import { benchEventStore } from './event-store.bench';
import { benchRelay } from './relay.bench';

async function main(): Promise<void> {
  const scaleArg = process.argv.indexOf('--scale');
  const scale = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
  const { ensureServers } = await import('../infra/local/servers.mjs');
  const servers = await ensureServers();
  try {
    console.log(`# Yiwang benchmarks (${new Date().toISOString()}, scale ${scale})\n`);
    console.log(await benchEventStore(servers.mongoUri, scale));
    console.log(await benchRelay(servers, scale));
  } finally {
    await servers.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
