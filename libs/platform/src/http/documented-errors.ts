import { type FastifyContextConfig, type RouteOptions } from 'fastify';
import { type HttpApp } from './http-app-type';
import { PROBLEM_CONTENT_TYPE } from './problem';

/** RFC 9457 problem details as the platform sends them (see `ProblemDetails`), as a JSON schema. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'urn:yiwang:problem:<code>, or about:blank' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'the path of the failed request' },
    code: { type: 'string', description: 'stable machine-readable code (VALIDATION, NOT_FOUND, …, or FST_… for protocol errors)' },
    violations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    traceId: { type: 'string', description: 'the trace of the request, to quote when reporting a problem' },
  },
} as const;

const PROBLEM_MEDIA_TYPE = PROBLEM_CONTENT_TYPE.split(';')[0]!;

const ROUTER_414 = {
  description: 'a path parameter is longer than 100 characters',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['statusCode', 'error', 'message'],
        properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

/** One documented error status: what the route sends, with the reason it happens. */
export type ErrorResponse = Readonly<{ description: string; content: Readonly<Record<string, { schema: unknown }>> }>;

/** A problem+json response: fastify also serializes the route's problems with this schema. */
export const problemResponse = (description: string): ErrorResponse => ({
  description,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: PROBLEM_SCHEMA } },
});

/**
 * Route-specific error statuses with their reasons, for a route's `schema.response`:
 * `response: { 200: view, ...problems({ 403: 'without role x', 404: 'unknown case' }) }`.
 * The statuses every route shares (400, 401, 413, 415, 503) are added by the platform.
 */
export function problems(reasons: Readonly<Record<number, string>>): Record<number, ErrorResponse> {
  return Object.fromEntries(Object.entries(reasons).map(([status, why]) => [Number(status), problemResponse(why)]));
}

declare module 'fastify' {
  interface FastifySchema {
    /**
     * Request fields the service checks beyond the schema (a code in a table that changes at run
     * time, a point inside the city): a schema-valid request may still get a 400 naming one of them.
     * Published as the operation's `x-checked-beyond-schema`; `[]` stands for any array index.
     */
    'x-checked-beyond-schema'?: readonly string[];
  }
  interface FastifyContextConfig {
    /**
     * How the route's errors look, for routes whose protocol prescribes its own error shape (Open311):
     * the response object to document for a status. Default: problem+json.
     */
    errorResponse?: (status: number, description: string) => ErrorResponse;
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const methodsOf = (route: Pick<RouteOptions, 'method'>): string[] =>
  Array.isArray(route.method) ? [...route.method] : [route.method as string];

/**
 * The responses to document for a route: its own, plus the error statuses the platform itself can
 * answer on it, so that each operation lists every status it really returns: 400 (schema
 * violations, malformed body), 401 (missing or bad token; on public routes only a bad one), 413/415
 * (body too large, unknown content type) and 503 (database unreachable). A route's own declaration of
 * a status wins. Only the document changes: fastify keeps serializing with the route's own schemas.
 */
export function documentedResponses(
  route: Readonly<{
    method: RouteOptions['method'];
    url: string;
    config?: Pick<FastifyContextConfig, 'public' | 'errorResponse'> | undefined;
  }>,
  schema: Readonly<Record<string, unknown>>,
  options: { readonly auth: boolean },
): Record<string, unknown> {
  const own = (schema['response'] ?? {}) as Record<string, unknown>;
  const withBody = methodsOf(route).some((m) => BODY_METHODS.has(m));
  const isPublic = route.config?.public === true;
  const reasons: Record<number, string> = {};
  if (withBody || schema['body'] || schema['querystring'] || schema['params'] || schema['headers'])
    reasons[400] = 'the request does not match this operation’s schema (`violations` names each field), or its body is malformed';
  if (options.auth)
    reasons[401] = isPublic
      ? 'a bearer token was sent but is invalid or expired (the operation needs none)'
      : 'no bearer token, or an invalid or expired one';
  if (withBody) {
    reasons[413] = 'the body is larger than this operation accepts';
    reasons[415] = 'the body’s content type is not one this operation accepts';
  }
  reasons[503] = 'a dependency (the database) is unreachable right now; retry later';
  const respond = route.config?.errorResponse ?? ((_status: number, why: string) => problemResponse(why));
  const added: Record<string, unknown> = Object.fromEntries(
    Object.entries(reasons).map(([status, why]) => [status, respond(Number(status), why)]),
  );
  // The router refuses an over-long path parameter before any route or error handler runs: fastify's own JSON.
  if (route.url.includes(':')) added['414'] = ROUTER_414;
  // Without a declared success, @fastify/swagger would list a default 200 only while no response is declared.
  const success = Object.keys(own).some((k) => k.startsWith('2')) ? {} : { 200: { description: 'Default Response' } };
  return { ...success, ...added, ...own };
}

/** `/v1/cases/:id` → a matcher for `/v1/cases/c-1`; `*` matches the rest. */
const matcherOf = (url: string): RegExp =>
  new RegExp(
    `^${url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
  );

/** An error fastify's and the platform's error handlers turn into a 405 problem (or a route scope's own format). */
class MethodNotAllowed extends Error {
  readonly statusCode = 405;
  readonly code = 'METHOD_NOT_ALLOWED';
}

/**
 * Undeclared methods on a known path answer 405 with `Allow` listing the declared ones (RFC 9110
 * §15.5.6) instead of 404. Paths are collected as routes are added; only requests that found no
 * route are matched against them, so served requests pay nothing. The error goes through the
 * error handler of the scope that owns the path, so a scope with its own error format keeps it.
 */
export function installMethodNotAllowed(app: HttpApp): void {
  const paths = new Map<string, { matcher: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    const key = route.url.replace(/:[^/]+/g, ':');
    const entry = paths.get(key) ?? { matcher: matcherOf(route.url), methods: new Set<string>() };
    for (const m of methodsOf(route)) entry.methods.add(m);
    // fastify answers HEAD for every GET route.
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
    paths.set(key, entry);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '/';
    const allowed = new Set<string>();
    for (const { matcher, methods } of paths.values()) if (matcher.test(path)) for (const m of methods) allowed.add(m);
    if (allowed.size === 0) return;
    const allow = [...allowed].sort().join(', ');
    void reply.header('allow', allow);
    throw new MethodNotAllowed(`${request.method} is not allowed on ${path}; allowed: ${allow}`);
  });
}
