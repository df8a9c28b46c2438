import { cellCentre, shippedUnitGrid } from './domain';
import { startIntakeService, type RunningIntake } from './service';
import { grpcClient, http, quietLogger, rpc, testConfig, tokenFor } from './intake.test-helpers';

// Every refusal is a clear error, and NOTHING is stored: no commit, no read-model document.
const config = testConfig(__filename, { INTAKE_PUBLIC_BODY_LIMIT: '4096' });
const inCity = cellCentre([...shippedUnitGrid().cells.values()][5]!);
const outside = { lat: 34.75, lon: 113.62 }; // Zhengzhou, not Jiaozuo
const good = { category: 'event.01.02', location: inCity, description: '垃圾' };

let intake: RunningIntake;
beforeAll(async () => {
  intake = await startIntakeService(config, { logger: quietLogger() });
}, 60_000);
afterAll(() => intake?.stop());

const commits = () => intake.store.commits.countDocuments({});

async function refused(call: () => Promise<{ status: number; text: string }>, status: number, pattern: RegExp): Promise<void> {
  const before = await commits();
  const r = await call();
  expect(r.status).toBe(status);
  expect(r.text).toMatch(pattern);
  expect(await commits()).toBe(before);
}

it('unknown category and coordinates outside the city: 400 problem+json, nothing stored', async () => {
  await refused(
    () => http(intake.httpAddress, '/v1/reports', { body: { ...good, category: 'event.77.77' } }),
    400,
    /unknown category event\.77\.77/,
  );
  await refused(() => http(intake.httpAddress, '/v1/reports', { body: { ...good, category: 'garbage' } }), 400, /category code/);
  await refused(() => http(intake.httpAddress, '/v1/reports', { body: { ...good, location: outside } }), 400, /outside Jiaozuo/);
  await refused(() => http(intake.httpAddress, '/v1/reports', { body: { ...good, location: { lat: 200, lon: 1 } } }), 400, /location\.lat/);
  await refused(() => http(intake.httpAddress, '/v1/reports', { body: { category: 'event.01.02', location: inCity } }), 400, /description/);
  const r = await http(intake.httpAddress, '/v1/reports', { body: { ...good, location: outside } });
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.json()).toMatchObject({ status: 400, code: 'VALIDATION', violations: [{ field: 'location' }] });
});

it('malformed JSON and oversized bodies', async () => {
  await refused(() => http(intake.httpAddress, '/v1/reports', { raw: '{"category": "event.01.02", ' }), 400, /JSON|Unexpected|body/i);
  await refused(() => http(intake.httpAddress, '/v1/reports', { body: { ...good, description: 'x'.repeat(5000) } }), 413, /too large/i);
  await refused(
    () =>
      http(intake.httpAddress, '/open311/v2/requests.json', {
        raw: `service_code=event.01.02&description=${'y'.repeat(5000)}`,
        contentType: 'application/x-www-form-urlencoded',
      }),
    413,
    /"code":413/,
  );
});

it('Open311 errors are the spec’s [{code, description}] list', async () => {
  await refused(
    () =>
      http(intake.httpAddress, '/open311/v2/requests.json', { body: { service_code: 'event.77.77', lat: inCity.lat, long: inCity.lon } }),
    400,
    /^\[\{"code":400,"description":"unknown category/,
  );
  await refused(
    () =>
      http(intake.httpAddress, '/open311/v2/requests.json', { body: { service_code: 'event.01.02', lat: outside.lat, long: outside.lon } }),
    400,
    /outside Jiaozuo/,
  );
  await refused(
    () => http(intake.httpAddress, '/open311/v2/requests.json', { body: { service_code: 'event.01.02', address_string: '民主路' } }),
    400,
    /a location is required/,
  );
  await refused(
    () =>
      http(intake.httpAddress, '/open311/v2/requests.json', {
        body: { service_code: 'event.01.02', lat: inCity.lat, long: inCity.lon, description: 'x', api_key: 'stolen' },
      }),
    403,
    /unknown api_key/,
  );
  const missing = await http(intake.httpAddress, '/open311/v2/requests/nope.json');
  expect(missing.status).toBe(404);
  expect(missing.json()).toEqual([{ code: 404, description: 'no report nope' }]);
});

it('hotline and sensor routes: 401 without or with a bad token, 403 with the wrong role', async () => {
  const alarms = { alarms: [{ deviceId: 'D', alarmId: 'A', category: 'component.01.03', location: inCity }] };
  await refused(() => http(intake.httpAddress, '/v1/hotline/reports', { body: good }), 401, /missing bearer token/);
  await refused(() => http(intake.httpAddress, '/v1/hotline/reports', { body: good, token: 'not.a.jwt' }), 401, /invalid token/);
  await refused(() => http(intake.httpAddress, '/v1/sensor-alarms', { body: alarms }), 401, /bearer/);
  const citizenish = await tokenFor('someone', ['inspector']);
  await refused(() => http(intake.httpAddress, '/v1/hotline/reports', { body: good, token: citizenish }), 403, /needs role hotline\.agent/);
  await refused(
    () => http(intake.httpAddress, '/v1/sensor-alarms', { body: alarms, token: citizenish }),
    403,
    /needs role sensor\.gateway/,
  );
  // A bad token on a public route is refused too, rather than silently ignored.
  await refused(() => http(intake.httpAddress, '/v1/reports', { body: good, token: 'garbage' }), 401, /invalid token/);
  // …and the right role works.
  const ok = await http(intake.httpAddress, '/v1/hotline/reports', {
    body: good,
    token: await tokenFor('agent-7', ['hotline.agent'], 'centre.hotline'),
  });
  expect(ok.status).toBe(201);
});

it('gRPC: wrong role → PERMISSION_DENIED, bad input → INVALID_ARGUMENT, nothing stored', async () => {
  const camera = grpcClient(intake.grpcAddress, await tokenFor('cam-1', ['camera.operator']));
  const hotline = grpcClient(intake.grpcAddress, await tokenFor('agent', ['hotline.agent']));
  const anonymous = grpcClient(intake.grpcAddress, '');
  try {
    const before = await commits();
    const req = {
      categoryCode: 'event.01.02',
      location: { latitude: inCity.lat, longitude: inCity.lon },
      crs: 0,
      description: 'x',
      photoRefs: [],
      requestId: '',
    };
    await expect(rpc(hotline, hotline.submitReport, req)).rejects.toMatchObject({ code: 7 });
    await expect(rpc(anonymous, anonymous.submitReport, req)).rejects.toMatchObject({ code: 16 });
    await expect(rpc(camera, camera.submitReport, { ...req, categoryCode: 'event.77.77' })).rejects.toMatchObject({ code: 3 });
    await expect(
      rpc(camera, camera.submitReport, { ...req, location: { latitude: outside.lat, longitude: outside.lon } }),
    ).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/outside/) });
    await expect(rpc(camera, camera.submitReport, { ...req, location: undefined })).rejects.toMatchObject({ code: 3 });
    await expect(
      rpc(camera, camera.submitWorkOrder, { ...req, externalId: 'X', reporterName: '', reporterPhone: '', household: undefined }),
    ).rejects.toMatchObject({ code: 7 });
    await expect(rpc(camera, camera.getReport, { reportId: 'nope' })).rejects.toMatchObject({ code: 5 });
    expect(await commits()).toBe(before);
    const ok = await rpc(camera, camera.submitReport, req);
    expect(ok.report?.channel).toBe(2);
  } finally {
    for (const c of [camera, hotline, anonymous]) c.close();
  }
});
