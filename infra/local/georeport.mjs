// georeport, a GeoReport v2 client published on PyPI (not ours), for the Open311 conformance test:
// installed once with pip into the cache, with its dependencies (requests, xmltodict).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, log, requireTool, run } from './process.mjs';

export const GEOREPORT_VERSION = '0.3.1';

/** The folder to put on PYTHONPATH; python3 itself must be on PATH. */
export function ensureGeoReport() {
  const dir = join(cacheDir(), `py-georeport-${GEOREPORT_VERSION}`);
  if (existsSync(join(dir, 'georeport', '__init__.py')) && existsSync(join(dir, 'xmltodict.py'))) return dir;
  requireTool('python3', ['--version'], 'Python 3.9+ with pip (for the Open311 client test)');
  log(`installing georeport ${GEOREPORT_VERSION} from PyPI into ${dir} (once)`);
  run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', dir, `georeport==${GEOREPORT_VERSION}`]);
  return dir;
}
