// The README promises Docker users the testcontainers path on Node 20.19+. The import of the
// testcontainers modules is the part that broke (a line needing Node 22), so it is really done
// here; only "a container runtime answers" is said by the test, as no engine runs on our machines.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const SERVERS = join(resolve(__dirname, '..', '..'), 'infra/local/servers.mjs');

/** Runs an ES module snippet against servers.mjs in a fresh Node (the way jest's set-up loads it). */
function probe(body: string): unknown {
  const script = `const m = await import(${JSON.stringify(SERVERS)});\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`probe failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('where the test servers come from', () => {
  it('loads the testcontainers modules on this Node', () => {
    const loaded = probe(`
      const { KafkaContainer, MongoDBContainer } = await m.loadContainerModules();
      const { getContainerRuntimeClient } = await import('testcontainers');
      process.stdout.write(JSON.stringify([typeof KafkaContainer, typeof MongoDBContainer, typeof getContainerRuntimeClient]));
    `);
    expect(loaded).toEqual(['function', 'function', 'function']);
  });

  it('chooses containers when a runtime answers, local servers when none does, and given addresses over both', () => {
    const chosen = probe(`
      const answers = async () => true, silent = async () => false;
      const given = { KAFKA_BROKERS: 'k:9092', MONGODB_URI: 'mongodb://m' };
      process.stdout.write(JSON.stringify([
        await m.serverSource({}, answers),
        await m.serverSource({}, silent),
        await m.serverSource({ KAFKA_BROKERS: 'k:9092' }, answers),
        await m.serverSource(given, answers),
      ]));
    `);
    expect(chosen).toEqual(['containers', 'local', 'containers', 'given']);
  });
});
