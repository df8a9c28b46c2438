import { MongoClient } from 'mongodb';
import { request } from 'node:http';
import { forgetComponentStatus, IllegalStateError, NotFoundError, reportComponentStatus } from '@yiwang/kernel-core';
import { freePort, testDatabase, testServers } from '@yiwang/testing';
import { createTokenVerifier, signToken } from '../auth/jwt';
import { requireDepartment } from '../auth/principal';
import { createLogger } from '../logging/logger';
import { kafkaReadiness, mongoReadiness, type ReadinessCheck } from '../readiness/checks';
import { startTelemetry, type Telemetry } from '../telemetry/telemetry';
import { buildHttpApp } from './app';
import { PROBLEM_SCHEMA } from './documented-errors';
import { principalOf } from './auth-hook';
import { type HttpApp } from './http-app-type';

const secret = 'http-int-test-secret-at-least-32-chars!';

interface InjectLike {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | object;
}
interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json(): unknown;
}

/**
 * Requests over a real socket. (`app.inject()` cannot run under jest on Node 20: fastify's
 * light-my-request needs the ESM-only `cookie@2`, which jest's CommonJS runtime cannot require.)
 */
async function call(app: HttpApp, options: InjectLike): Promise<Answer> {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening');
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.payload === 'string') body = options.payload;
  else if (options.payload !== undefined) {
    body = JSON.stringify(options.payload);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`http://127.0.0.1:${address.port}${options.url}`, {
    method: options.method ?? 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: text,
    json: () => JSON.parse(text) as unknown,
  };
}
const logger = createLogger({ service: 'http-test', level: 'silent' });

async function appWith(telemetry: Telemetry, readiness: readonly ReadinessCheck[]): Promise<HttpApp> {
  const app = await buildHttpApp({
    logger,
    auth: createTokenVerifier({ jwtSecret: secret }),
    readiness,
    readinessTimeoutMs: 3000,
    openapi: { title: 'Probe API', version: '1.0.0' },
    metrics: telemetry.prometheus,
    bodyLimit: 1024,
  });
  const received = telemetry.meter('http-test').createCounter('reports_received', { description: 'Reports taken in' });
  app.post(
    '/reports',
    {
      config: { public: true },
      schema: {
        body: {
          type: 'object',
          required: ['description', 'lat'],
          properties: { description: { type: 'string', minLength: 3 }, lat: { type: 'number', minimum: -90, maximum: 90 } },
        },
        response: { 201: { type: 'object', properties: { accepted: { type: 'boolean' } } } },
      },
    },
    async (_request, reply) => {
      received.add(1, { channel: 'web' });
      return reply.code(201).send({ accepted: true });
    },
  );
  app.get<{ Params: { id: string } }>(
    '/cases/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string' } } } } },
    async (request) => {
      const principal = principalOf(request);
      if (request.params.id === 'missing') throw new NotFoundError('no case missing');
      if (request.params.id === 'closed') throw new IllegalStateError('case closed is already closed');
      requireDepartment(principal, 'dept.heating.d01');
      return { id: request.params.id, by: principal.subject };
    },
  );
  app.get('/boom', { config: { public: true } }, async () => {
    throw new Error('connection string mongodb://admin:hunter2@db');
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

describe('buildHttpApp', () => {
  let telemetry: Telemetry;
  let app: HttpApp;
  let mongo: Awaited<ReturnType<typeof testDatabase>>;
  let token: string;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'http-test' });
    mongo = await testDatabase(__filename);
    app = await appWith(telemetry, [mongoReadiness(mongo.db), kafkaReadiness(testServers().kafkaBrokers)]);
    token = await signToken({ subject: 'u-9', department: 'dept.heating.d01', roles: ['handler'] }, { secret });
  });

  afterAll(async () => {
    await app.close();
    await mongo.close();
    await telemetry.shutdown();
  });

  const expectProblem = (response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number) => {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const body = response.json() as Record<string, unknown>;
    expect(body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
    return body;
  };

  it('accepts a valid public request without a token', async () => {
    const response = await call(app, { method: 'POST', url: '/reports', payload: { description: 'overflowing bin', lat: 39.9 } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ accepted: true });
  });

  it('answers invalid JSON with a 400 problem', async () => {
    const response = await call(app, {
      method: 'POST',
      url: '/reports',
      headers: { 'content-type': 'application/json' },
      payload: '{"description": "x",',
    });
    expect(expectProblem(response, 400)).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', instance: '/reports' });
  });

  it('answers a body over the limit with a 413 problem', async () => {
    const response = await call(app, { method: 'POST', url: '/reports', payload: { description: 'x'.repeat(2000), lat: 1 } });
    expect(expectProblem(response, 413)).toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });

  it('answers schema violations with a 400 problem listing every field', async () => {
    const response = await call(app, { method: 'POST', url: '/reports', payload: { description: 'x', lat: 123 } });
    const body = expectProblem(response, 400);
    expect(body).toMatchObject({ type: 'urn:yiwang:problem:validation', code: 'VALIDATION' });
    const fields = (body.violations as { field: string }[]).map((v) => v.field).sort();
    expect(fields).toEqual(['body.description', 'body.lat']);
    const missing = await call(app, { method: 'POST', url: '/reports', payload: {} });
    expect((expectProblem(missing, 400).violations as { field: string }[]).map((v) => v.field).sort()).toEqual([
      'body.description',
      'body.lat',
    ]);
  });

  it('maps DomainErrors to their statuses', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect(expectProblem(await call(app, { url: '/cases/missing', headers: auth }), 404)).toMatchObject({
      code: 'NOT_FOUND',
      detail: 'no case missing',
    });
    expect(expectProblem(await call(app, { url: '/cases/closed', headers: auth }), 409)).toMatchObject({
      code: 'ILLEGAL_STATE',
      type: 'urn:yiwang:problem:illegal-state',
    });
    const ok = await call(app, { url: '/cases/c-1', headers: auth });
    expect(ok.json()).toEqual({ id: 'c-1', by: 'u-9' });
    const other = await signToken({ subject: 'u-2', department: 'dept.parking.d01', roles: [] }, { secret });
    expect(expectProblem(await call(app, { url: '/cases/c-1', headers: { authorization: `Bearer ${other}` } }), 403)).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('requires a valid bearer token on non-public routes: 401 problem', async () => {
    const none = await call(app, { url: '/cases/c-1' });
    expect(expectProblem(none, 401)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const forged = await signToken(
      { subject: 'u-9', department: 'dept.heating.d01', roles: [] },
      { secret: 'a-different-secret-of-at-least-32-chars' },
    );
    expectProblem(await call(app, { url: '/cases/c-1', headers: { authorization: `Bearer ${forged}` } }), 401);
  });

  it('answers unknown routes with a 404 problem, and hides internal errors behind a 500', async () => {
    expect(expectProblem(await call(app, { url: '/nowhere?x=1' }), 404)).toMatchObject({
      detail: 'no route GET /nowhere',
      instance: '/nowhere',
    });
    const boom = await call(app, { url: '/boom' });
    expect(expectProblem(boom, 500).detail).toBe('an internal error occurred');
    expect(boom.body).not.toContain('hunter2');
  });

  it('puts the caller trace id into problems', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await call(app, {
      url: '/cases/missing',
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(expectProblem(response, 404).traceId).toBe(traceId);
  });

  it('answers /healthz', async () => {
    const response = await call(app, { url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the real Kafka and MongoDB-wire server answer', async () => {
    const response = await call(app, { url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready', checks: { mongodb: { status: 'up' }, kafka: { status: 'up' } } });
  });

  it('stays ready with the broker unreachable, showing it down in the body and on /metrics', async () => {
    reportComponentStatus('relay:yiwang.probe.events.v1', 'down', {
      detail: 'KafkaJSConnectionError: connect ECONNREFUSED',
      figures: { backlog: 7 },
    });
    const brokerDown = await appWith(telemetry, [
      mongoReadiness(mongo.db),
      kafkaReadiness([`127.0.0.1:${await freePort()}`], { name: 'kafka', timeoutMs: 1000 }),
    ]);
    try {
      const response = await call(brokerDown, { url: '/readyz' });
      expect(response.statusCode).toBe(200);
      const body = response.json() as {
        status: string;
        checks: Record<string, { status: string; error?: string; informational?: boolean }>;
        components: Record<string, { state: string; figures?: Record<string, number> }>;
      };
      expect(body.status).toBe('ready');
      expect(body.checks.mongodb?.status).toBe('up');
      expect(body.checks.kafka).toMatchObject({ status: 'down', error: expect.any(String), informational: true });
      expect(body.components['relay:yiwang.probe.events.v1']).toMatchObject({ state: 'down', figures: { backlog: 7 } });

      const metrics = await call(brokerDown, { url: '/metrics' });
      expect(metrics.body).toContain('yiwang_dependency_up{dependency="kafka",decides_readiness="false"} 0');
      expect(metrics.body).toContain('yiwang_dependency_up{dependency="mongodb",decides_readiness="true"} 1');
      expect(metrics.body).toContain('yiwang_component_up{component="relay:yiwang.probe.events.v1",state="down"} 0');
      expect(metrics.body).toContain('yiwang_component_figure{component="relay:yiwang.probe.events.v1",figure="backlog"} 7');
    } finally {
      forgetComponentStatus('relay:yiwang.probe.events.v1');
      await brokerDown.close();
    }
  });

  it('answers 503 naming the failing check when the database is unreachable', async () => {
    const deadDb = new MongoClient(`mongodb://127.0.0.1:${await freePort()}`, { serverSelectionTimeoutMS: 500 });
    const databaseDown = await appWith(telemetry, [mongoReadiness(deadDb.db('probe')), kafkaReadiness(testServers().kafkaBrokers)]);
    try {
      const response = await call(databaseDown, { url: '/readyz' });
      expect(response.statusCode).toBe(503);
      const body = response.json() as { status: string; checks: Record<string, { status: string; error?: string }> };
      expect(body.status).toBe('not ready');
      expect(body.checks.mongodb).toMatchObject({ status: 'down', error: expect.any(String) });
      expect(body.checks.kafka?.status).toBe('up');
    } finally {
      await databaseDown.close();
      await deadDb.close();
    }
  });

  it('serves metrics in Prometheus text format, including a counter the service increments', async () => {
    await call(app, { method: 'POST', url: '/reports', payload: { description: 'broken lamp', lat: 40 } });
    const response = await call(app, { url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('# TYPE reports_received_total counter');
    expect(response.body).toMatch(/reports_received_total\{[^}]*channel="web"[^}]*\} [2-9]/);
    expect(response.body).toContain('http_server_request_duration');
  });

  it('serves an OpenAPI document built from the route schemas', async () => {
    const response = await call(app, { url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json() as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: object };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Probe API');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/reports', '/cases/{id}', '/boom']));
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
    expect(doc.paths['/reports']?.post?.security).toEqual([]);
    expect(doc.components.securitySchemes).toHaveProperty('bearerAuth');
  });
});

describe('buildHttpApp: documented errors and undeclared methods', () => {
  let telemetry: Telemetry;
  let app: HttpApp;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'http-405-test' });
    app = await appWith(telemetry, []);
  });

  afterAll(async () => {
    await app.close();
    await telemetry.shutdown();
  });

  /** node:http, not fetch: fetch refuses TRACE and other methods a client may still send. */
  const raw = (method: string, path: string) =>
    new Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const address = app.server.address() as { port: number };
      const req = request({ host: '127.0.0.1', port: address.port, method, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it.each([
    ['TRACE', '/reports', 'POST'],
    ['DELETE', '/cases/c-1', 'GET, HEAD'],
    ['PUT', '/cases/c-1', 'GET, HEAD'],
    ['OPTIONS', '/reports', 'POST'],
    ['POST', '/healthz', 'GET, HEAD'],
  ])('answers %s on %s with a 405 problem and Allow: %s', async (method, path, allow) => {
    const response = await raw(method, path);
    expect(response.statusCode).toBe(405);
    expect(response.headers['allow']).toBe(allow);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(response.body)).toMatchObject({ status: 405, title: 'Method Not Allowed', instance: path });
  });

  it('still answers 404 on unknown paths, whatever the method', async () => {
    expect((await raw('TRACE', '/nowhere')).statusCode).toBe(404);
    expect((await raw('GET', '/cases/c-1/more')).statusCode).toBe(404);
  });

  it('documents the statuses the platform answers itself, with the problem schema, beside the route’s own', async () => {
    const doc = (await call(app, { url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    };
    const post = doc.paths['/reports']!.post!.responses;
    expect(Object.keys(post).sort()).toEqual(['201', '400', '401', '413', '415', '503']);
    expect(post['400']!.content!['application/problem+json']!.schema).toEqual(PROBLEM_SCHEMA);
    expect(Object.keys(doc.paths['/cases/{id}']!.get!.responses).sort()).toEqual(['200', '400', '401', '414', '503']);
    expect(Object.keys(doc.paths['/boom']!.get!.responses).sort()).toEqual(['200', '401', '503']);
  });
});
