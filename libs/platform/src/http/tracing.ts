import {
  context,
  defaultTextMapGetter,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type RouteHandlerMethod } from 'fastify';
import { type HttpApp } from './http-app-type';
import { lazyInstrument } from '../telemetry/lazy-instrument';

const tracer = trace.getTracer('@yiwang/platform/http');
const w3c = new W3CTraceContextPropagator();
const duration = lazyInstrument('@yiwang/platform/http', (meter) =>
  meter.createHistogram('http.server.request.duration', { description: 'Duration of inbound HTTP requests', unit: 's' }),
);

const scopes = new WeakMap<object, { span: Span; context: Context; started: number }>();

/**
 * A server span per request, child of the caller's `traceparent`, active while the route handler
 * runs — so logs and outgoing calls (event store, Kafka, gRPC) join the caller's trace.
 * Without auto-instrumentation, fastify hooks cannot make a context active across the request, so
 * each route handler is wrapped in `context.with` when the route is added.
 */
export function installTracing(app: HttpApp): void {
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function tracedHandler(request, reply) {
      const scope = scopes.get(request);
      return scope ? context.with(scope.context, () => handler.call(this, request, reply)) : handler.call(this, request, reply);
    };
  });
  app.addHook('onRequest', async (request) => {
    const parent = propagation.extract(w3c.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter), request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    scopes.set(request, { span, context: trace.setSpan(parent, span), started: performance.now() });
  });
  app.addHook('onResponse', async (request, reply) => {
    const scope = scopes.get(request);
    if (!scope) return;
    scopes.delete(request);
    scope.span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) scope.span.setStatus({ code: SpanStatusCode.ERROR });
    scope.span.end();
    duration().record((performance.now() - scope.started) / 1000, {
      'http.request.method': request.method,
      'http.route': request.routeOptions.url ?? 'unmatched',
      'http.response.status_code': reply.statusCode,
    });
  });
}

/** The trace id of the request's span, for problem details and logs. */
export function traceIdOf(request: object): string | undefined {
  const spanContext = scopes.get(request)?.span.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
