import {
  type handleUnaryCall,
  type Metadata,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { UnauthenticatedError } from '@yiwang/kernel-core';
import { type Logger } from '../logging/logger';
import { type Principal } from '../auth/principal';

/**
 * What the server helper learned about a call before the handler runs: the verified caller,
 * the deadline and a signal that aborts when the client cancels or the deadline passes.
 */
export interface CallContext {
  /** Undefined only on public methods called without a token. */
  readonly principal: Principal | undefined;
  /** The full method path, e.g. `/yiwang.testing.v1.ProbeService/WhoAmI`. */
  readonly method: string;
  readonly metadata: Metadata;
  /** Aborted when the client cancels or the deadline passes; pass it to I/O that accepts one. */
  readonly signal: AbortSignal;
  /** The client's deadline, or undefined when it set none. */
  readonly deadline: Date | undefined;
  /** Milliseconds left before the deadline (Infinity without one, 0 once passed). */
  remainingMs(): number;
  /** The service logger, bound to this call's method (and trace ids through the logger's mixin). */
  readonly logger: Logger;
}

/** Any inbound call grpc-js hands to a handler. */
export type ServerCall =
  | ServerUnaryCall<unknown, unknown>
  | ServerReadableStream<unknown, unknown>
  | ServerWritableStream<unknown, unknown>
  | ServerDuplexStream<unknown, unknown>;

// Keyed by the call object grpc-js hands to the wrapped handler; lives exactly as long as the call.
const contexts = new WeakMap<ServerCall, CallContext>();

/** @internal Attaches the context; only the server helper does this. */
export function attachCallContext(call: ServerCall, ctx: CallContext): void {
  contexts.set(call, ctx);
}

/**
 * The context of a call served through {@link createGrpcServer}.
 * @throws Error when the service was registered some other way (a wiring mistake, not a client error).
 */
export function callContext(call: ServerCall): CallContext {
  const ctx = contexts.get(call);
  if (!ctx) throw new Error('no call context: register the service through createGrpcServer');
  return ctx;
}

/** A unary handler that returns (or throws) instead of calling back. */
export type AuthedUnaryHandler<Req, Res> = (
  request: Req,
  principal: Principal,
  call: ServerUnaryCall<Req, Res>,
  ctx: CallContext,
) => Promise<Res>;

/**
 * Adapts an async handler that needs an authenticated caller to grpc-js. Thrown DomainErrors
 * become statuses (see `toGrpcStatus`); the server helper has already rejected calls without a
 * valid token, so `principal` is always there.
 *
 * @example
 * const impl: ProbeServiceServer = {
 *   whoAmI: authed(async (_req, principal) => ({ ...principal })),
 * };
 */
export function authed<Req, Res>(handler: AuthedUnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    settle(callback, async () => {
      const ctx = callContext(call);
      if (!ctx.principal) throw new UnauthenticatedError('this method needs a bearer token');
      return handler(call.request, ctx.principal, call, ctx);
    });
  };
}

/** Like {@link authed} for public methods (listed in `publicMethods`): the principal may be absent. */
export function unary<Req, Res>(
  handler: (request: Req, ctx: CallContext, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    settle(callback, () => handler(call.request, callContext(call), call));
  };
}

// The server helper's wrapped callback maps errors to statuses, so raw errors are passed on as is.
function settle<Res>(callback: sendUnaryData<Res>, run: () => Promise<Res>): void {
  run().then(
    (response) => callback(null, response),
    (error: unknown) => callback(error as Error),
  );
}
