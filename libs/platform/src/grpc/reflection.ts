import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/**
 * Finds the repository's `proto/` folder (the one holding `buf.yaml`) by walking up from `start`.
 * Services ship that folder next to their code, so the same lookup works in the repo and in images.
 */
export function findProtoRoot(start: string = process.cwd()): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'buf.yaml'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `/yiwang.testing.v1.ProbeService/WhoAmI` → `yiwang.testing.v1` */
function packageOfMethod(path: string): string {
  const service = path.split('/')[1] ?? '';
  return service.slice(0, Math.max(0, service.lastIndexOf('.')));
}

/**
 * The descriptors reflection serves: every `.proto` file of each served service's package (by the
 * buf layout, package `a.b.v1` lives in `a/b/v1/`), their imports, and the health service.
 * ts-proto's generated code carries no descriptors, so they are loaded from the sources.
 */
export function loadReflectionDescriptors(protoRoot: string, methodPaths: readonly string[]): PackageDefinition {
  const files = new Set<string>();
  for (const pkg of new Set(methodPaths.map(packageOfMethod))) {
    const dir = join(protoRoot, ...pkg.split('.'));
    const found = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.proto')) : [];
    if (found.length === 0) throw new Error(`no .proto files for package ${pkg} in ${dir} (needed for gRPC reflection)`);
    for (const f of found) files.add(join(...pkg.split('.'), f));
  }
  const options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
  return {
    ...loadSync(healthProtoPath, options),
    ...(files.size > 0 ? loadSync([...files], { ...options, includeDirs: [protoRoot] }) : {}),
  };
}
