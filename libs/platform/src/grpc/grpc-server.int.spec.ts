import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, credentials, loadPackageDefinition, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { context, trace } from '@opentelemetry/api';
import { ConcurrencyError, IllegalStateError, NotFoundError, UnavailableError, ValidationError } from '@yiwang/kernel-core';
import { ProbeServiceClient, ProbeServiceService, type ProbeServiceServer } from '@yiwang/proto/yiwang/testing/v1/probe';
import { createLogger } from '../logging/logger';
import { createTokenVerifier, signToken } from '../auth/jwt';
import { requireDepartment, type Principal } from '../auth/principal';
import { startTelemetry, type Telemetry } from '../telemetry/telemetry';
import { authed } from './call-context';
import { callUnary, createGrpcClient } from './client';
import { violationsOf } from './errors';
import { createGrpcServer, type GrpcServer } from './server';

const secret = 'grpc-int-test-secret-at-least-32-chars';
const sanitation: Principal = { subject: 'u-1', department: 'dept.sanitation.d01', roles: ['handler'] };
const logger = createLogger({ service: 'probe', level: 'silent' });

const failures: Record<string, () => Error> = {
  VALIDATION: () => new ValidationError('bad request', [{ field: 'department', message: 'unknown department' }]),
  NOT_FOUND: () => new NotFoundError('no such case'),
  ILLEGAL_STATE: () => new IllegalStateError('case is closed'),
  CONCURRENCY: () => new ConcurrencyError('case-1', '3', 4),
  UNAVAILABLE: () => new UnavailableError('database away'),
  BUG: () => new Error('password=hunter2 leaked from a driver'),
};

/** What the handlers observed, for assertions on the server side. */
const seen = { aborted: false, traceId: '' as string | undefined, remainingMs: 0 };

const probe: ProbeServiceServer = {
  whoAmI: authed(async (_request, principal) => {
    seen.traceId = trace.getActiveSpan()?.spanContext().traceId;
    return { subject: principal.subject, department: principal.department, roles: principal.roles };
  }),
  actOnDepartment: authed(async (request, principal, _call, ctx) => {
    seen.remainingMs = ctx.remainingMs();
    if (request.delayMs > 0) {
      try {
        await sleep(request.delayMs, undefined, { signal: ctx.signal });
      } catch (error) {
        seen.aborted = ctx.signal.aborted;
        throw error;
      }
    }
    requireDepartment(principal, request.department);
    const failure = failures[request.failWith];
    if (failure) throw failure();
    return { ok: true };
  }),
};

function healthClient(address: string) {
  type Check = (request: { service: string }, callback: (error: ServiceError | null, response: { status: string }) => void) => void;
  type Ctor = new (a: string, c: ReturnType<typeof credentials.createInsecure>) => Client & { check: Check };
  const pkg = loadPackageDefinition(loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true }));
  const Health = (pkg.grpc as never as { health: { v1: { Health: Ctor } } }).health.v1.Health;
  const client = new Health(address, credentials.createInsecure());
  const check = (service: string) =>
    new Promise<string>((resolve, reject) => client.check({ service }, (e, r) => (e ? reject(e) : resolve(r.status))));
  return { client, check };
}

function reflectionClient(address: string) {
  const file = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const pkg = loadPackageDefinition(loadSync(file, { keepCase: true, defaults: true, oneofs: true }));
  type Ctor = new (
    a: string,
    c: ReturnType<typeof credentials.createInsecure>,
  ) => Client & { ServerReflectionInfo(): NodeJS.ReadWriteStream & { write(m: object): boolean; end(): void } };
  const ServerReflection = (pkg.grpc as never as { reflection: { v1: { ServerReflection: Ctor } } }).reflection.v1.ServerReflection;
  const client = new ServerReflection(address, credentials.createInsecure());
  const ask = <T>(request: object) =>
    new Promise<T>((resolve, reject) => {
      const stream = client.ServerReflectionInfo();
      stream.once('data', (response: T) => {
        resolve(response);
        stream.end();
      });
      stream.once('error', reject);
      stream.write(request);
    });
  return { client, ask };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (e: ServiceError) => status[e.code],
  );

describe('createGrpcServer', () => {
  let telemetry: Telemetry;
  let server: GrpcServer;
  let address: string;
  let client: ProbeServiceClient;
  const clients: Client[] = [];
  const token = (p: Principal = sanitation, expiresInSec?: number) =>
    signToken(p, { secret, ...(expiresInSec !== undefined ? { expiresInSec } : {}) });

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'probe' });
    server = createGrpcServer({
      services: [{ definition: ProbeServiceService, implementation: probe }],
      auth: createTokenVerifier({ jwtSecret: secret }),
      logger,
    });
    address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
    client = createGrpcClient(ProbeServiceClient, address, { token: () => token() });
    clients.push(client);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server.shutdown();
    await telemetry.shutdown();
  });

  it('answers the standard health check: SERVING, per service too', async () => {
    const health = healthClient(address);
    clients.push(health.client);
    await expect(health.check('')).resolves.toBe('SERVING');
    await expect(health.check('yiwang.testing.v1.ProbeService')).resolves.toBe('SERVING');
  });

  it('answers reflection: lists the services and serves their descriptors', async () => {
    const reflection = reflectionClient(address);
    clients.push(reflection.client);
    const listed = await reflection.ask<{ list_services_response: { service: { name: string }[] } }>({ list_services: '*' });
    const names = listed.list_services_response.service.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['yiwang.testing.v1.ProbeService', 'grpc.health.v1.Health']));
    const file = await reflection.ask<{ file_descriptor_response: { file_descriptor_proto: Buffer[] } }>({
      file_containing_symbol: 'yiwang.testing.v1.ProbeService',
    });
    // The file buf compiled, under its own name, as grpcurl expects to find it again by name.
    const descriptor = file.file_descriptor_response.file_descriptor_proto[0]?.toString('latin1');
    expect(descriptor).toContain('yiwang/testing/v1/probe.proto');
    expect(descriptor).toContain('ActOnDepartmentRequest');
    // Well-known imports are served too (grpcurl fetches every dependency by file name).
    const timestamp = await reflection.ask<{ file_descriptor_response: { file_descriptor_proto: Buffer[] } }>({
      file_by_filename: 'google/protobuf/timestamp.proto',
    });
    expect(timestamp.file_descriptor_response.file_descriptor_proto[0]?.toString('latin1')).toContain('google.protobuf');
    // Health is described as its standard proto, map entries and all.
    const health = await reflection.ask<{ file_descriptor_response: { file_descriptor_proto: Buffer[] } }>({
      file_containing_symbol: 'grpc.health.v1.Health',
    });
    expect(health.file_descriptor_response.file_descriptor_proto[0]?.toString('latin1')).toContain('HealthCheckResponse');
  });

  it('authenticates the caller and hands the principal to the handler', async () => {
    await expect(callUnary(client.whoAmI.bind(client), {})).resolves.toEqual({
      subject: 'u-1',
      department: 'dept.sanitation.d01',
      roles: ['handler'],
    });
  });

  it('carries the W3C trace context from client to handler', async () => {
    const span = telemetry.tracer('test').startSpan('caller');
    await context.with(trace.setSpan(context.active(), span), () => callUnary(client.whoAmI.bind(client), {}));
    span.end();
    expect(seen.traceId).toBe(span.spanContext().traceId);
  });

  it('rejects a call without a token, with a bad signature or an expired token: UNAUTHENTICATED', async () => {
    const anonymous = createGrpcClient(ProbeServiceClient, address);
    const forged = createGrpcClient(ProbeServiceClient, address, {
      token: await signToken(sanitation, { secret: 'some-other-secret-of-32-characters!!' }),
    });
    const expired = createGrpcClient(ProbeServiceClient, address, { token: await token(sanitation, -300) });
    clients.push(anonymous, forged, expired);
    for (const c of [anonymous, forged, expired]) {
      await expect(codeOf(callUnary(c.whoAmI.bind(c), {}))).resolves.toBe('UNAUTHENTICATED');
    }
  });

  it('answers PERMISSION_DENIED to a caller of another department', async () => {
    const result = callUnary(client.actOnDepartment.bind(client), { department: 'dept.sanitation.d02', failWith: '', delayMs: 0 });
    await expect(codeOf(result)).resolves.toBe('PERMISSION_DENIED');
    await expect(
      callUnary(client.actOnDepartment.bind(client), { department: 'dept.sanitation.d01', failWith: '', delayMs: 0 }),
    ).resolves.toEqual({ ok: true });
  });

  it.each([
    ['VALIDATION', 'INVALID_ARGUMENT'],
    ['NOT_FOUND', 'NOT_FOUND'],
    ['ILLEGAL_STATE', 'FAILED_PRECONDITION'],
    ['CONCURRENCY', 'ABORTED'],
    ['UNAVAILABLE', 'UNAVAILABLE'],
    ['BUG', 'INTERNAL'],
  ])('maps a thrown %s to %s', async (failWith, expected) => {
    await expect(
      codeOf(callUnary(client.actOnDepartment.bind(client), { department: sanitation.department, failWith, delayMs: 0 })),
    ).resolves.toBe(expected);
  });

  it('puts validation violations in the message and the trailers, and never leaks internal messages', async () => {
    const act = (failWith: string) =>
      callUnary(client.actOnDepartment.bind(client), { department: sanitation.department, failWith, delayMs: 0 }).catch(
        (e: ServiceError) => e,
      );
    const invalid = (await act('VALIDATION')) as ServiceError;
    expect(invalid.details).toContain('department: unknown department');
    expect(violationsOf(invalid)).toEqual([{ field: 'department', message: 'unknown department' }]);
    expect(invalid.metadata.get('yiwang-error-code')).toEqual(['VALIDATION']);
    const bug = (await act('BUG')) as ServiceError;
    expect(bug.details).toBe('internal error');
    expect(bug.details).not.toContain('hunter2');
  });

  it('respects the client deadline: DEADLINE_EXCEEDED, and the handler is told to stop', async () => {
    seen.aborted = false;
    const slow = callUnary(
      client.actOnDepartment.bind(client),
      { department: sanitation.department, failWith: '', delayMs: 3000 },
      { deadlineMs: 300 },
    );
    await expect(codeOf(slow)).resolves.toBe('DEADLINE_EXCEEDED');
    for (let i = 0; i < 50 && !seen.aborted; i++) await sleep(20);
    expect(seen.aborted).toBe(true);
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(300);
  });

  it('gives calls without a deadline the client default', async () => {
    await callUnary(client.actOnDepartment.bind(client), { department: sanitation.department, failWith: '', delayMs: 0 });
    expect(seen.remainingMs).toBeGreaterThan(4000);
    expect(seen.remainingMs).toBeLessThanOrEqual(5000);
  });

  it('reports NOT_SERVING once shutdown starts, then stops', async () => {
    const other = createGrpcServer({
      services: [{ definition: ProbeServiceService, implementation: probe }],
      auth: createTokenVerifier({ jwtSecret: secret }),
      logger,
      drainDelayMs: 400,
    });
    const otherAddress = `127.0.0.1:${await other.listen('127.0.0.1:0')}`;
    const health = healthClient(otherAddress);
    clients.push(health.client);
    await expect(health.check('yiwang.testing.v1.ProbeService')).resolves.toBe('SERVING');
    const stopped = other.shutdown();
    await expect(health.check('yiwang.testing.v1.ProbeService')).resolves.toBe('NOT_SERVING');
    await expect(health.check('')).resolves.toBe('NOT_SERVING');
    await stopped;
    const late = createGrpcClient(ProbeServiceClient, otherAddress, { token: await token(), defaultDeadlineMs: 1000 });
    clients.push(late);
    await expect(codeOf(callUnary(late.whoAmI.bind(late), {}))).resolves.toMatch(/UNAVAILABLE|DEADLINE_EXCEEDED/);
  });

  it('lets a public method through without a token but still rejects a bad one', async () => {
    const anonymousWhoAmI: ProbeServiceServer['whoAmI'] = (_call, callback) =>
      callback(null, { subject: 'anonymous', department: '', roles: [] });
    const open = createGrpcServer({
      services: [{ definition: ProbeServiceService, implementation: { ...probe, whoAmI: anonymousWhoAmI } }],
      auth: createTokenVerifier({ jwtSecret: secret }),
      logger,
      publicMethods: ['/yiwang.testing.v1.ProbeService/WhoAmI'],
    });
    const openAddress = `127.0.0.1:${await open.listen('127.0.0.1:0')}`;
    const anonymous = createGrpcClient(ProbeServiceClient, openAddress);
    const forged = createGrpcClient(ProbeServiceClient, openAddress, { token: 'not-a-jwt' });
    clients.push(anonymous, forged);
    try {
      await expect(callUnary(anonymous.whoAmI.bind(anonymous), {})).resolves.toMatchObject({ subject: 'anonymous' });
      await expect(
        codeOf(callUnary(anonymous.actOnDepartment.bind(anonymous), { department: 'x', failWith: '', delayMs: 0 })),
      ).resolves.toBe('UNAUTHENTICATED');
      await expect(codeOf(callUnary(forged.whoAmI.bind(forged), {}))).resolves.toBe('UNAUTHENTICATED');
    } finally {
      await open.shutdown();
    }
  });

  it('sends the bearer token as authorization metadata', async () => {
    const md = new Metadata();
    md.set('authorization', `Bearer ${await token()}`);
    const bare = new ProbeServiceClient(address, credentials.createInsecure());
    clients.push(bare);
    await expect(callUnary(bare.whoAmI.bind(bare), {}, { metadata: md })).resolves.toMatchObject({ subject: 'u-1' });
  });
});
