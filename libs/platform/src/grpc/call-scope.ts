import { type EventEmitter } from 'node:events';
import { type Metadata, status } from '@grpc/grpc-js';
import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { type Logger } from '../logging/logger';
import { lazyInstrument } from '../telemetry/lazy-instrument';
import { bearerToken, type TokenVerifier } from '../auth/jwt';
import { type Principal } from '../auth/principal';
import { attachCallContext, type ServerCall } from './call-context';
import { extractTraceContext } from './trace-context';

const tracer = trace.getTracer('@yiwang/platform/grpc');
const duration = lazyInstrument('@yiwang/platform/grpc', (meter) =>
  meter.createHistogram('rpc.server.duration', { description: 'Duration of inbound gRPC calls', unit: 'ms' }),
);

/** @internal One inbound call from token check to status: its span, its signal, its log line. */
export interface CallScope {
  /** Runs the handler in the call's trace context; a throw or a rejected promise goes to `onError`. */
  run(handler: () => unknown, onError: (error: unknown) => void): void;
  /** Ends the span, the deadline timer and the metric once; `fault` is logged as a server error. */
  finish(code: status, fault?: unknown): void;
}

function authorizationOf(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  return typeof value === 'string' ? value : undefined;
}

function deadlineOf(call: ServerCall): Date | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/**
 * @internal Opens the scope of a call: trace context from the metadata, a server span, an
 * AbortSignal for cancellation and deadline, and the verified principal.
 * Rejects (with UnauthenticatedError) when a non-public call has no valid token.
 */
export async function startCallScope(
  call: ServerCall,
  options: { auth: TokenVerifier; logger: Logger; isPublic: boolean },
): Promise<CallScope> {
  const method = call.getPath();
  const [service = '', rpc = ''] = method.split('/').slice(1);
  const started = performance.now();
  const span = tracer.startSpan(
    method.slice(1),
    { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': rpc } },
    extractTraceContext(call.metadata),
  );
  const spanContext: Context = trace.setSpan(extractTraceContext(call.metadata), span);
  const logger = options.logger.child({ rpc: method });

  // grpc-js answers DEADLINE_EXCEEDED itself; the signal lets the handler stop its own work too.
  const controller = new AbortController();
  const deadline = deadlineOf(call);
  const timer = deadline
    ? setTimeout(() => controller.abort(new DeadlineExceeded()), Math.max(0, deadline.getTime() - Date.now()))
    : undefined;
  const onCancelled = (): void => controller.abort(new CallCancelled());
  // Each call type is an EventEmitter; their overloaded `once` signatures do not unite.
  const events: EventEmitter = call;
  events.once('cancelled', onCancelled);

  let finished = false;
  const finish = (code: status, fault?: unknown): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    events.removeListener('cancelled', onCancelled);
    const elapsed = performance.now() - started;
    span.setAttribute('rpc.grpc.status_code', code);
    if (code !== status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: status[code] });
    if (fault) span.recordException(fault instanceof Error ? fault : String(fault));
    span.end();
    duration().record(elapsed, { 'rpc.service': service, 'rpc.method': rpc, 'rpc.grpc.status_code': code });
    const line = { code: status[code], ms: Math.round(elapsed) };
    context.with(spanContext, () => {
      if (fault) logger.error({ ...line, err: fault }, 'gRPC call failed');
      else logger.debug(line, 'gRPC call');
    });
  };

  let principal: Principal | undefined;
  try {
    const authorization = authorizationOf(call.metadata);
    // A public method still verifies a token it is given: a bad token is an error, never "anonymous".
    if (!options.isPublic || authorization !== undefined) principal = await options.auth.verify(bearerToken(authorization));
  } catch (error) {
    finish(status.UNAUTHENTICATED);
    throw error;
  }

  attachCallContext(call, {
    principal,
    method,
    metadata: call.metadata,
    signal: controller.signal,
    deadline,
    remainingMs: () => (deadline ? Math.max(0, deadline.getTime() - Date.now()) : Number.POSITIVE_INFINITY),
    logger,
  });
  if (principal) span.setAttributes({ 'enduser.id': principal.subject, 'yiwang.department': principal.department });

  return {
    finish,
    run(handler, onError) {
      context.with(spanContext, () => {
        try {
          const result = handler();
          if (result instanceof Promise) result.catch(onError);
        } catch (error) {
          onError(error);
        }
      });
    },
  };
}

/** The reason a call's signal aborts when its deadline passes. */
export class DeadlineExceeded extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('deadline exceeded');
  }
}

/** The reason a call's signal aborts when the client cancels (or goes away). */
export class CallCancelled extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('call cancelled by the client');
  }
}
