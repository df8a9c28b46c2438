// Every other gRPC port, as a departmental developer (or the centre's) meets it: grpcurl with no
// .proto files lists, describes, checks health and calls a read method by reflection alone. The
// lines of work run as their own processes (their main.ts, as npm start runs them); the link's three
// ports (integration to the centre, integration's internal log, the simulated centre) speak mutual TLS
// or a bearer token, so grpcurl is given the certificates a real peer holds.
import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signToken } from '@yiwang/platform';
import { writeLinkCertificates } from '@yiwang/opscenter-simulator';
import { freePort, testServers, uniqueName, until } from '@yiwang/testing';
import { SECRET, startLink, type Link } from './opscenter-link.test-helpers';

const ROOT = resolve(__dirname, '..', '..');

function ensureGrpcurl(): string {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import('${join(ROOT, 'infra/local/grpcurl.mjs')}').then((m) => process.stdout.write(m.ensureGrpcurl()))`,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`grpcurl could not be provisioned: ${r.stderr}`);
  return r.stdout.trim();
}

let grpcurl = '';
/** `grpcurl <flags> <address> <rest>`: `flags` carry the transport (plaintext or TLS files) and headers. */
const run = (flags: string[], address: string, rest: string[]): Promise<{ code: number | null; out: string }> =>
  new Promise((done) => {
    execFile(grpcurl, ['-max-time', '20', ...flags, address, ...rest], { encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
const ok = async (flags: string[], address: string, ...rest: string[]): Promise<string> => {
  const r = await run(flags, address, rest);
  expect({ call: rest.join(' '), code: r.code, out: r.code === 0 ? '' : r.out }).toEqual({ call: rest.join(' '), code: 0, out: '' });
  return r.out;
};

/** One service process of a line of work, on free ports, its own database and topics. */
interface LineOfWork {
  readonly name: string;
  readonly service: string;
  readonly read: { method: string; body: string };
  readonly env: (p: { grpc: number; http: number; prefix: string }) => Record<string, string>;
}
const LINES: LineOfWork[] = [
  {
    name: 'enforcement',
    service: 'yiwang.enforcement.v1.EnforcementService',
    read: { method: 'GetCase', body: '{"caseId":"ZF-NOT-THERE"}' },
    env: ({ grpc, http, prefix }) => ({
      ENFORCEMENT_GRPC_PORT: String(grpc),
      ENFORCEMENT_HTTP_PORT: String(http),
      ENFORCEMENT_DB: `${prefix}_enforcement`,
      ENFORCEMENT_TOPIC: `yiwang.${prefix}_enforcement.events.v1`,
      ENFORCEMENT_DISPATCH_TOPIC: `yiwang.${prefix}_dispatch.events.v1`,
      ENFORCEMENT_DISPATCH_GROUP: `${prefix}.enforcement`,
    }),
  },
  {
    name: 'parking',
    service: 'yiwang.parking.v1.ParkingService',
    read: { method: 'GetViolation', body: '{"violationId":"V-NOT-THERE"}' },
    env: ({ grpc, http, prefix }) => ({
      PARKING_GRPC_PORT: String(grpc),
      PARKING_HTTP_PORT: String(http),
      PARKING_HOST: '127.0.0.1',
      PARKING_DB: `${prefix}_parking`,
      PARKING_EVENTS_TOPIC: `yiwang.${prefix}_parking.events.v1`,
      DISPATCH_EVENTS_TOPIC: `yiwang.${prefix}_dispatch.events.v1`,
      PARKING_CONSUMER_GROUP: `${prefix}.parking`,
    }),
  },
  {
    name: 'heating',
    service: 'yiwang.heating.v1.HeatingService',
    read: { method: 'GetComplaint', body: '{"complaintId":"HC-NOT-THERE"}' },
    env: ({ grpc, http, prefix }) => ({
      HEATING_GRPC_PORT: String(grpc),
      HEATING_HTTP_PORT: String(http),
      HEATING_DB: `${prefix}_heating`,
      HEATING_TOPIC: `yiwang.${prefix}_heating.events.v1`,
    }),
  },
  {
    name: 'sanitation',
    service: 'yiwang.sanitation.v1.SanitationService',
    read: { method: 'GetFacility', body: '{"facilityId":"F-NOT-THERE"}' },
    env: ({ grpc, http, prefix }) => ({
      SANITATION_GRPC_PORT: String(grpc),
      SANITATION_HTTP_PORT: String(http),
      SANITATION_DB: `${prefix}_sanitation`,
      SANITATION_TOPIC: `yiwang.${prefix}_sanitation.events.v1`,
      INTAKE_EVENTS_TOPIC: `yiwang.${prefix}_intake.events.v1`,
      SANITATION_CONSUMER_GROUP: `${prefix}.sanitation`,
    }),
  },
];

const processes: ChildProcess[] = [];
const logDir = mkdtempSync(join(tmpdir(), 'yiwang-reflection-'));
const addresses = new Map<string, string>();

async function startLine(line: LineOfWork): Promise<void> {
  const [grpc, http] = [await freePort(), await freePort()];
  const servers = testServers();
  const log = join(logDir, `${line.name}.log`);
  const out = openSync(log, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services', line.name, 'src', 'main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      BIND_HOST: '127.0.0.1',
      MONGODB_URI: servers.mongoUri,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      AUTH_JWT_SECRET: SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      ...line.env({ grpc, http, prefix: uniqueName(`refl-${line.name}`) }),
    },
  });
  processes.push(child);
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`${line.name} exited (${child.exitCode}): ${readFileSync(log, 'utf8').slice(-2000)}`);
      return (await fetch(`http://127.0.0.1:${http}/readyz`).catch(() => null))?.ok === true;
    },
    240_000,
    `${line.name} ready`,
  );
  addresses.set(line.name, `127.0.0.1:${grpc}`);
}

let link: Link;
let certDir = '';
let token = '';
const plaintext = ['-plaintext'];
const asCentre = () => [
  '-cacert',
  join(certDir, 'yiwang-ca.crt'),
  '-cert',
  join(certDir, 'centre-client.crt'),
  '-key',
  join(certDir, 'centre-client.key'),
];
const asYiwang = () => [
  '-cacert',
  join(certDir, 'centre-ca.crt'),
  '-cert',
  join(certDir, 'yiwang-client.crt'),
  '-key',
  join(certDir, 'yiwang-client.key'),
];

beforeAll(async () => {
  grpcurl = ensureGrpcurl();
  token = await signToken(
    { subject: 'li.na', department: 'centre.command', roles: ['centre.command', 'centre.supervision', 'analyst.replay'] },
    { secret: SECRET },
  );
  // The lines of work one after another: four tsx start-ups at once starve a 2-core machine.
  for (const line of LINES) await startLine(line);
  link = await startLink(__filename);
  certDir = join(logDir, 'certs');
  writeLinkCertificates(certDir, link.certs);
}, 900_000);

afterAll(async () => {
  await link?.close();
  await Promise.all(
    processes.map(
      (p) =>
        new Promise<void>((done) => {
          if (p.exitCode !== null) return done();
          p.once('exit', () => done());
          p.kill('SIGTERM');
          setTimeout(() => p.kill('SIGKILL'), 20_000).unref();
        }),
    ),
  );
  rmSync(logDir, { recursive: true, force: true });
}, 60_000);

/** What grpcurl must find behind one port: its services, how to reach it, one read call. */
interface Port {
  readonly name: string;
  readonly address: () => string;
  readonly flags: () => string[];
  readonly services: readonly string[];
  /** `answered`: status OK; a RegExp: the status the service maps the (decoded) request to. */
  readonly read: { method: string; body: string; expect: 'answered' | RegExp; headers?: () => string[] };
}
const PORTS: Port[] = [
  ...LINES.map((line): Port => ({
    name: line.name,
    address: () => addresses.get(line.name)!,
    flags: () => plaintext,
    services: [line.service, 'yiwang.eventlog.v1.EventLogService'],
    read: {
      method: `${line.service}/${line.read.method}`,
      body: line.read.body,
      expect: /Code: NotFound/,
      headers: () => ['-H', `authorization: Bearer ${token}`],
    },
  })),
  {
    name: 'integration (the centre’s port, mutual TLS)',
    address: () => link.integration.grpcAddress,
    flags: asCentre,
    services: ['yiwang.opscenter.v1.CaseLinkService'],
    read: { method: 'yiwang.opscenter.v1.CaseLinkService/GetCaseStatus', body: '{"caseId":"C-NOT-THERE"}', expect: /Code: NotFound/ },
  },
  {
    name: 'integration (internal: its event log)',
    address: () => link.integration.internalGrpcAddress,
    flags: () => plaintext,
    services: ['yiwang.eventlog.v1.EventLogService'],
    read: {
      method: 'yiwang.eventlog.v1.EventLogService/GetLogHead',
      body: '{}',
      expect: 'answered',
      headers: () => ['-H', `authorization: Bearer ${token}`],
    },
  },
  {
    name: 'the operations-centre simulator (mutual TLS)',
    address: () => link.simulator.grpcAddress,
    flags: asYiwang,
    services: ['yiwang.opscenter.v1.OpsCentreService'],
    read: { method: 'yiwang.opscenter.v1.OpsCentreService/ListCaseStates', body: '{"pageSize":1}', expect: 'answered' },
  },
];

describe.each(PORTS.map((p) => [p.name, p] as const))('grpcurl against %s, reflection only', (_name, port) => {
  it('lists its services and health, and describes each with every type resolved', async () => {
    const listed = (await ok(port.flags(), port.address(), 'list')).split('\n');
    expect(listed).toEqual(expect.arrayContaining([...port.services, 'grpc.health.v1.Health']));
    for (const service of [...port.services, 'grpc.health.v1.Health'])
      expect(await ok(port.flags(), port.address(), 'describe', service)).toContain(`${service} is a service:`);
  });

  it('answers grpc.health.v1.Health/Check: SERVING', async () => {
    expect(await ok([...port.flags(), '-d', '{}'], port.address(), 'grpc.health.v1.Health/Check')).toContain('"status": "SERVING"');
  });

  it('decodes a read call from reflection alone and answers it', async () => {
    const flags = [...port.flags(), ...(port.read.headers?.() ?? []), '-d', port.read.body];
    if (port.read.expect === 'answered') await ok(flags, port.address(), port.read.method);
    else expect((await run(flags, port.address(), [port.read.method])).out).toMatch(port.read.expect);
    // Where a bearer token is the credential, no token is no answer.
    if (port.read.headers) {
      const anonymous = await run([...port.flags(), '-d', port.read.body], port.address(), [port.read.method]);
      expect(anonymous.out).toMatch(/Code: Unauthenticated/);
    }
  });
});
