// Lint keeps domain/ free of I/O imports it can see; this checks what actually loads at runtime:
// requiring every service's domain module (and the kernel core) in a fresh Node process must not
// load a database driver, a Kafka client, gRPC, HTTP servers or OpenTelemetry — not even through
// a library's index.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const IMPURE = ['kafkajs', 'mongodb', '@grpc/grpc-js', 'fastify', '@opentelemetry/api', '@platformatic/kafka', 'pino'];

const domainModules = ['intake', 'dispatch', 'integration', 'enforcement', 'parking', 'heating', 'sanitation']
  .map((s) => join(ROOT, 'services', s, 'src', 'domain', 'index.ts'))
  .filter((f) => existsSync(f));

function loadedPackages(modules: string[]): string[] {
  const script = `
    for (const m of ${JSON.stringify(modules)}) require(m);
    const seen = new Set();
    for (const f of Object.keys(require.cache)) {
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f);
      if (m) seen.add(m[1]);
    }
    process.stdout.write(JSON.stringify([...seen]));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--eval', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
  });
  if (r.status !== 0) throw new Error(`loading failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

describe('domain modules at runtime', () => {
  it('finds the domain modules it checks', () => {
    expect(domainModules.length).toBeGreaterThanOrEqual(3);
  });

  it('load no I/O package, directly or through a library', () => {
    const loaded = loadedPackages([
      join(ROOT, 'libs/kernel-core/src/index.ts'),
      join(ROOT, 'libs/working-time/src/index.ts'),
      ...domainModules,
    ]);
    expect(loaded.filter((p) => IMPURE.includes(p))).toEqual([]);
  }, 60_000);

  it('would notice one (the check is live)', () => {
    expect(loadedPackages([join(ROOT, 'libs/kernel-mongodb/src/index.ts')])).toContain('mongodb');
  }, 60_000);
});
