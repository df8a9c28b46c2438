import swagger from '@fastify/swagger';
import { PrometheusSerializer, type PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import Fastify, { type FastifyContextConfig, type FastifyReply, type FastifyRequest } from 'fastify';
import { componentStatuses, type ComponentStatus } from '@yiwang/kernel-core';
import { type TokenVerifier } from '../auth/jwt';
import { type Logger } from '../logging/logger';
import { runReadinessChecks, type ReadinessCheck, type ReadinessReport } from '../readiness/checks';
import { installBearerAuth } from './auth-hook';
import { documentedResponses, installMethodNotAllowed } from './documented-errors';
import { type HttpApp } from './http-app-type';
import { PROBLEM_CONTENT_TYPE, problemFromError, type ProblemDetails } from './problem';
import { installTracing, traceIdOf } from './tracing';

export interface HttpAppOptions {
  readonly logger: Logger;
  /** When given, every route needs a bearer token unless its config says `public: true`. */
  readonly auth?: TokenVerifier;
  /**
   * Dependencies `/readyz` checks, in parallel, each within `readinessTimeoutMs`. Only the
   * non-informational ones (the database) decide 200 or 503; all are shown in the body.
   */
  readonly readiness: readonly ReadinessCheck[];
  readonly readinessTimeoutMs?: number;
  readonly openapi: { readonly title: string; readonly version: string; readonly description?: string };
  /** The Prometheus reader of the service's meter provider (`startTelemetry().prometheus`). */
  readonly metrics: PrometheusExporter;
  /** Largest accepted request body in bytes (default 1 MiB); larger ones get 413. */
  readonly bodyLimit?: number;
}

const publicRoute = { public: true } as const;

/**
 * A fastify app with the platform's conventions: problem+json errors (RFC 9457), bearer auth,
 * tracing, `/healthz`, `/readyz`, `/metrics` (Prometheus text) and `/openapi.json` generated from
 * the route schemas. It is built, not started: add routes, then `listen()` — or `inject()` in tests.
 */
export async function buildHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app: HttpApp = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Report every violation at once, not just the first, so clients can fix a form in one go.
    // `verbose` gives each error its schema, so a violation can quote the field's description.
    ajv: { customOptions: { allErrors: true, verbose: true } },
  });

  // Both plugins hook `onRoute`, so they must be in place before any route is added.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.openapi.title,
        version: options.openapi.version,
        ...(options.openapi.description ? { description: options.openapi.description } : {}),
      },
      ...(options.auth
        ? {
            components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
            security: [{ bearerAuth: [] }],
          }
        : {}),
    },
    transform: ({ schema, url, route }) => {
      if (schema?.hide) return { schema, url };
      const config = route.config as FastifyContextConfig | undefined;
      const response = documentedResponses({ method: route.method, url: route.url, config }, (schema ?? {}) as Record<string, unknown>, {
        auth: options.auth !== undefined,
      });
      return { schema: { ...schema, response, ...(config?.public && options.auth ? { security: [] } : {}) }, url };
    },
  });
  installTracing(app);
  installMethodNotAllowed(app);
  if (options.auth) installBearerAuth(app, options.auth);

  app.setErrorHandler((error, request, reply) => {
    const { problem, fault } = problemFromError(error);
    if (fault) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, code: problem.code, detail: problem.detail }, 'request rejected');
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );

  app.get('/healthz', { config: publicRoute, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: publicRoute, schema: { hide: true } }, async (_request, reply) => {
    const report = await runReadinessChecks(options.readiness, options.readinessTimeoutMs);
    if (!report.ready) reply.log.warn({ checks: report.checks }, 'not ready');
    // Relays and consumers (broker reachable, backlog): details for an operator, not for the decision.
    return reply
      .code(report.ready ? 200 : 503)
      .send({ status: report.ready ? 'ready' : 'not ready', checks: report.checks, components: componentStatuses() });
  });

  const serializer = new PrometheusSerializer();
  app.get('/metrics', { config: publicRoute, schema: { hide: true } }, async (request, reply) => {
    const [{ resourceMetrics, errors }, readiness] = await Promise.all([
      options.metrics.collect(),
      runReadinessChecks(options.readiness, options.readinessTimeoutMs),
    ]);
    if (errors.length > 0) request.log.warn({ errors }, 'metric collection reported errors');
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(serializer.serialize(resourceMetrics) + dependencyMetrics(readiness, componentStatuses()));
  });

  app.get('/openapi.json', { config: publicRoute, schema: { hide: true } }, async () => app.swagger());

  return app;
}

const label = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * The dependencies (database, broker) and the background components (relays, consumers) as gauges,
 * in Prometheus text: taken when scraped, so they need no meter of their own and show the broker's
 * state even when it does not decide readiness.
 */
function dependencyMetrics(readiness: ReadinessReport, components: Readonly<Record<string, ComponentStatus>>): string {
  const lines = [
    '# HELP yiwang_dependency_up whether a dependency answered its readiness check (1) or not (0)',
    '# TYPE yiwang_dependency_up gauge',
    ...Object.entries(readiness.checks).map(
      ([name, c]) =>
        `yiwang_dependency_up{dependency="${label(name)}",decides_readiness="${c.informational ? 'false' : 'true'}"} ${c.status === 'up' ? 1 : 0}`,
    ),
  ];
  const entries = Object.entries(components);
  if (entries.length > 0) {
    lines.push(
      '# HELP yiwang_component_up whether a background component (relay, consumer) reaches what it needs (1; also 1 while standing by) or not (0)',
      '# TYPE yiwang_component_up gauge',
      ...entries.map(
        ([name, s]) =>
          `yiwang_component_up{component="${label(name)}",state="${s.state}"} ${s.state === 'up' || s.state === 'standby' ? 1 : 0}`,
      ),
      '# HELP yiwang_component_figure figures a background component reports (backlog, failures in a row)',
      '# TYPE yiwang_component_figure gauge',
      ...entries.flatMap(([name, s]) =>
        Object.entries(s.figures ?? {}).map(
          ([figure, v]) => `yiwang_component_figure{component="${label(name)}",figure="${label(figure)}"} ${v}`,
        ),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Sends a problem with the request's path as `instance` and its trace id for support. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  const traceId = traceIdOf(request);
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, instance: request.url.split('?')[0], ...(traceId ? { traceId } : {}) });
}
