// Open311 GeoReport v2 through a client we did not write: the PyPI package `georeport`, in XML and
// in JSON, against intake's real endpoint — service list, definition, POST, token lookup, one
// request and the list, and a household's heating complaint with its attributes. The library is
// installed once with pip into the cache.
import { execFile, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { cellCentre, shippedUnitGrid, startIntakeService, type RunningIntake } from '@yiwang/intake';
import { quietLogger, testConfig } from '@yiwang/intake/testing';

const ROOT = resolve(__dirname, '..', '..');
const JURISDICTION = 'jiaozuo.gov.cn';

function ensureGeoReport(): string {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import('${join(ROOT, 'infra/local/georeport.mjs')}').then((m) => process.stdout.write(m.ensureGeoReport()))`,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`the georeport client could not be provisioned: ${r.stderr}`);
  return r.stdout.trim();
}

interface Session {
  service_codes: string[];
  definition: { service_code: string; attributes: unknown };
  created: { service_request_id: string; token: string };
  by_token: { service_request_id: string; token: string };
  one: {
    service_request_id: string;
    service_code: string;
    status: string;
    lat: string | number;
    long: string | number;
    description: string;
  };
  listed_ids: string[];
  heating_definition: unknown;
  heating_request_id: string;
}

/** Runs the Python session asynchronously: the service answers from this very process. */
const session = (pythonPath: string, format: 'xml' | 'json', at: { lat: number; lon: number }): Promise<Session> =>
  new Promise((done, fail) =>
    execFile(
      'python3',
      [join(__dirname, 'open311_georeport_client.py')],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          PYTHONPATH: pythonPath,
          OPEN311_ROOT: `${intake.httpAddress}/open311/v2`,
          OPEN311_FORMAT: format,
          OPEN311_JURISDICTION: JURISDICTION,
          OPEN311_LAT: String(at.lat),
          OPEN311_LONG: String(at.lon),
        },
      },
      (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(JSON.parse(stdout) as Session)),
    ),
  );

let intake: RunningIntake;
let pythonPath = '';
beforeAll(async () => {
  pythonPath = ensureGeoReport();
  intake = await startIntakeService(testConfig(__filename, { OPEN311_JURISDICTION_ID: JURISDICTION }), { logger: quietLogger() });
}, 180_000);
afterAll(() => intake?.stop());

const cells = [...shippedUnitGrid().cells.values()];

describe.each([
  ['xml', 5],
  ['json', 9],
] as const)('the georeport client (PyPI) in %s', (format, cell) => {
  it('lists services, reads a definition, posts a request, finds it by token, by id and in the list', async () => {
    const s = await session(pythonPath, format, cellCentre(cells[cell]!));
    expect(s.service_codes.length).toBeGreaterThan(10);
    expect(s.service_codes).toContain('event.01.02');
    expect(s.definition.service_code).toBe('event.01.02');
    expect(JSON.stringify(s.definition.attributes)).toContain('crs');
    expect(s.created.service_request_id).toMatch(/\S/);
    expect(s.by_token).toMatchObject({ token: s.created.token, service_request_id: s.created.service_request_id });
    expect(s.one).toMatchObject({ service_request_id: s.created.service_request_id, service_code: 'event.01.02', status: 'open' });
    // address_string has no field of its own in a request record: intake keeps it with the description.
    expect(s.one.description).toBe(`垃圾满溢 (${format})\n地址 address: 解放区民主路 12 号`);
    expect(Number(s.one.lat)).toBeCloseTo(cellCentre(cells[cell]!).lat, 5);
    expect(s.listed_ids).toEqual([s.created.service_request_id]);
    // A household's heating complaint: the definition lists the flat's attributes, the POST names them.
    for (const code of ['compound', 'building', 'unit', 'room']) expect(JSON.stringify(s.heating_definition)).toContain(`"${code}"`);
    const { events } = await intake.store.readStream(`report-${s.heating_request_id}`);
    expect(events[0]).toMatchObject({
      type: 'intake.report.received.v1',
      data: { household: { compound: 'jz-hongxing', building: '9', unit: '1', room: format === 'xml' ? '601' : '602' } },
    });
  }, 90_000);
});
