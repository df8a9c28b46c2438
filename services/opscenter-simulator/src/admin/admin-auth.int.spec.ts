// The admin API can take the centre down and push work orders into Yiwang: only the holder of its
// token may use it. No token → 401, a wrong one → 403, the right one → works; /healthz stays open
// for probes; bound to loopback unless told otherwise.
import { testServers } from '@yiwang/testing';
import { generateLinkCertificates, loadSimulatorConfig, startSimulator, type RunningSimulator } from '@yiwang/opscenter-simulator';

const TOKEN = 'admin-token-for-this-spec-0123456789';
let sim: RunningSimulator;

beforeAll(async () => {
  const certs = await generateLinkCertificates();
  sim = await startSimulator(
    loadSimulatorConfig({
      SIM_GRPC_PORT: '0',
      SIM_ADMIN_PORT: '0',
      MONGODB_URI: testServers().mongoUri,
      SIM_DB: `sim_admin_auth_${Date.now()}`,
      SIM_ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'silent',
    }),
    {
      tls: {
        peerCa: certs.yiwangCa,
        serverCert: certs.centreServer.cert,
        serverKey: certs.centreServer.key,
        clientCert: certs.centreClient.cert,
        clientKey: certs.centreClient.key,
      },
    },
  );
});
afterAll(() => sim?.stop());

const takeDown = (headers: Record<string, string>) =>
  fetch(`${sim.adminAddress}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ unavailableForMs: 60_000 }),
  });

it('binds the loopback interface by default', () => {
  expect(sim.adminAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

it('refuses a fault without a token (401, with the scheme to use) and leaves the centre up', async () => {
  const res = await takeDown({});
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  expect(sim.faults.current().unavailableUntil).toBe(0);
});

it('refuses a wrong token (403) on every route, reads included', async () => {
  expect((await takeDown({ authorization: 'Bearer not-the-admin-token-at-all' })).status).toBe(403);
  expect((await fetch(`${sim.adminAddress}/cases`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
  expect((await fetch(`${sim.adminAddress}/work-orders`, { method: 'POST', headers: { authorization: 'Basic eDp5' } })).status).toBe(401);
  expect(sim.faults.current().unavailableUntil).toBe(0);
});

it('accepts the right token', async () => {
  const res = await takeDown({ authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  expect(sim.faults.current().unavailableUntil).toBeGreaterThan(Date.now());
  const faults = await fetch(`${sim.adminAddress}/faults`, { headers: { authorization: `Bearer ${sim.adminToken}` } });
  expect(faults.status).toBe(200);
  expect(((await faults.json()) as { unavailableUntil: number }).unavailableUntil).toBe(sim.faults.current().unavailableUntil);
});

it('keeps /healthz open for probes', async () => {
  expect((await fetch(`${sim.adminAddress}/healthz`)).status).toBe(200);
});

it('makes a token of its own when none is configured, and refuses one shorter than 16 characters', () => {
  expect(() => loadSimulatorConfig({ SIM_ADMIN_TOKEN: 'short' })).toThrow(/SIM_ADMIN_TOKEN/);
  expect(loadSimulatorConfig({}).adminToken).toBe('');
});
