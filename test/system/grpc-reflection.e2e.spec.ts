// A departmental developer points grpcurl (or Postman, Kreya) at a service with no .proto files:
// reflection alone must let the tool list, describe every service, check health and call a read
// method. grpcurl itself is the client here (built once with `go install`), not our own code.
import { execFile, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { signToken } from '@yiwang/platform';
import { loadDispatchConfig, startDispatchService, type DispatchService } from '@yiwang/dispatch';
import { startIntakeService, type RunningIntake } from '@yiwang/intake';
import { quietLogger, SECRET, testConfig } from '@yiwang/intake/testing';

const ROOT = resolve(__dirname, '..', '..');

function ensureGrpcurl(): string {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import('${join(ROOT, 'infra/local/grpcurl.mjs')}').then((m) => process.stdout.write(m.ensureGrpcurl()))`,
    ],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`grpcurl could not be provisioned: ${r.stderr}`);
  return r.stdout.trim();
}

let grpcurl = '';
/**
 * `grpcurl [flags] <address> [verb] <symbol or method>`: flags (with their values) go before the
 * address, the rest after it. Asynchronous: the servers run in this very process.
 */
const run = (address: string, args: string[]): Promise<{ code: number | null; out: string }> =>
  new Promise((done) => {
    const split = args.findIndex((a, i) => !a.startsWith('-') && (i === 0 || !['-d', '-H'].includes(args[i - 1]!)));
    const [flags, rest] = split < 0 ? [args, []] : [args.slice(0, split), args.slice(split)];
    execFile(grpcurl, ['-plaintext', '-max-time', '20', ...flags, address, ...rest], { encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
const ok = async (address: string, ...args: string[]): Promise<string> => {
  const r = await run(address, args);
  expect({ args: args.join(' '), code: r.code, out: r.code === 0 ? '' : r.out }).toEqual({ args: args.join(' '), code: 0, out: '' });
  return r.out;
};

const config = testConfig(__filename);
let intake: RunningIntake;
let dispatch: DispatchService;
let token = '';

beforeAll(async () => {
  grpcurl = ensureGrpcurl();
  token = await signToken(
    { subject: 'li.na', department: 'centre.command', roles: ['centre.command', 'centre.supervision'] },
    { secret: SECRET },
  );
  intake = await startIntakeService(config, { logger: quietLogger() });
  dispatch = await startDispatchService(
    loadDispatchConfig({
      BIND_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      MONGODB_URI: config.mongodbUri,
      DISPATCH_DB: `${config.database}_dispatch`,
      KAFKA_BROKERS: config.kafkaBrokers.join(','),
      DISPATCH_TOPIC: config.dispatchTopic,
      INTAKE_TOPIC: config.eventsTopic,
      DISPATCH_CONSUMER_GROUP: `${config.consumerGroup}.dispatch`,
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
    }),
  );
}, 600_000);
afterAll(async () => {
  await dispatch?.stop();
  await intake?.stop();
});

const servers = () => [
  { name: 'intake', address: intake.grpcAddress, services: ['yiwang.intake.v1.IntakeService', 'yiwang.eventlog.v1.EventLogService'] },
  {
    name: 'dispatch',
    address: dispatch.grpcAddress,
    services: ['yiwang.dispatch.v1.DispatchService', 'yiwang.eventlog.v1.EventLogService'],
  },
];

describe.each(['intake', 'dispatch'])('grpcurl against %s, reflection only', (name) => {
  const server = () => servers().find((s) => s.name === name)!;

  it('lists its services and health', async () => {
    const listed = (await ok(server().address, 'list')).split('\n');
    expect(listed).toEqual(expect.arrayContaining([...server().services, 'grpc.health.v1.Health']));
  });

  it('describes every listed service, with the types of their messages resolved', async () => {
    for (const service of [...server().services, 'grpc.health.v1.Health']) {
      const described = await ok(server().address, 'describe', service);
      expect(described).toContain(`${service} is a service:`);
    }
    // A message with a google.protobuf.Timestamp field and one with a map: both resolvable.
    expect(await ok(server().address, 'describe', 'yiwang.eventlog.v1.LogRecord')).toMatch(/google\.protobuf\.Timestamp/);
    expect(await ok(server().address, 'describe', 'grpc.health.v1.HealthListResponse')).toMatch(
      /map<string, \.grpc\.health\.v1\.HealthCheckResponse>/,
    );
  });

  it('answers grpc.health.v1.Health/Check: SERVING', async () => {
    expect(await ok(server().address, '-d', '{}', 'grpc.health.v1.Health/Check')).toContain('"status": "SERVING"');
  });
});

it('calls a read method with a token, request and response encoded from reflection alone', async () => {
  const indicators = await ok(
    dispatch.grpcAddress,
    '-H',
    `authorization: Bearer ${token}`,
    '-d',
    '{"dimension":"DIMENSION_DISTRICT"}',
    'yiwang.dispatch.v1.DispatchService/GetIndicators',
  );
  expect(JSON.parse(indicators)).toEqual(expect.objectContaining({ from: expect.any(String), to: expect.any(String) }));
  // An unknown report: the request was decoded (its id is in the answer) and mapped to NOT_FOUND.
  const missing = await run(intake.grpcAddress, [
    '-H',
    `authorization: Bearer ${token}`,
    '-d',
    '{"reportId":"R-NOT-THERE"}',
    'yiwang.intake.v1.IntakeService/GetReport',
  ]);
  expect(missing.code).not.toBe(0);
  expect(missing.out).toMatch(/Code: NotFound/);
  // And without a token, nothing is served: UNAUTHENTICATED.
  const anonymous = await run(intake.grpcAddress, ['-d', '{"reportId":"R-NOT-THERE"}', 'yiwang.intake.v1.IntakeService/GetReport']);
  expect(anonymous.out).toMatch(/Code: Unauthenticated/);
});
