import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  type ClientUnaryCall,
  credentials as grpcCredentials,
  type Interceptor,
  InterceptingCall,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { injectTraceContext } from './trace-context';

/** A ts-proto (or grpc-js generic) client class. */
export type GrpcClientConstructor<C extends Client> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ClientOptions>,
) => C;

export interface GrpcClientOptions {
  /** Bearer token, or a function returning a fresh one per call (e.g. from a token cache). */
  readonly token?: string | (() => string | Promise<string>);
  /** Deadline applied to calls that set none (default 5 s): no call may wait forever. */
  readonly defaultDeadlineMs?: number;
  /** Channel credentials; insecure (plain-text, for the local network) when omitted. */
  readonly credentials?: ChannelCredentials;
  readonly clientOptions?: Partial<ClientOptions>;
}

/**
 * An interceptor adding what every outgoing call needs: `authorization: Bearer …`, the caller's
 * W3C trace context, and a default deadline.
 */
export function platformClientInterceptor(options: Pick<GrpcClientOptions, 'token' | 'defaultDeadlineMs'>): Interceptor {
  const deadlineMs = options.defaultDeadlineMs ?? 5_000;
  return (callOptions, nextCall) => {
    // Captured now: by the time `start` runs (maybe after a token fetch) the active context may differ.
    const traceContext = context.active();
    const withDeadline = callOptions.deadline === undefined ? { ...callOptions, deadline: Date.now() + deadlineMs } : callOptions;
    return new InterceptingCall(nextCall(withDeadline), {
      start(metadata, listener, next) {
        injectTraceContext(metadata, traceContext);
        const token = options.token;
        if (token === undefined) return next(metadata, listener);
        if (typeof token === 'string') {
          metadata.set('authorization', `Bearer ${token}`);
          return next(metadata, listener);
        }
        // If no token can be had, the call goes out without one and the server answers
        // UNAUTHENTICATED: the caller sees one kind of failure either way.
        Promise.resolve()
          .then(token)
          .then(
            (t) => metadata.set('authorization', `Bearer ${t}`),
            () => undefined,
          )
          .finally(() => next(metadata, listener))
          .catch(() => undefined);
      },
    });
  };
}

/**
 * A client of a generated service with the platform interceptor installed.
 * @example const probe = createGrpcClient(ProbeServiceClient, 'localhost:50051', { token });
 */
export function createGrpcClient<C extends Client>(
  ClientClass: GrpcClientConstructor<C>,
  address: string,
  options: GrpcClientOptions = {},
): C {
  const interceptors = [platformClientInterceptor(options), ...(options.clientOptions?.interceptors ?? [])];
  return new ClientClass(address, options.credentials ?? grpcCredentials.createInsecure(), { ...options.clientOptions, interceptors });
}

/** The four-argument form every generated unary method has. */
export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export interface UnaryCallOptions {
  readonly metadata?: Metadata;
  /** Overrides the client's default deadline for this call. */
  readonly deadlineMs?: number;
  /** Cancels the call (the server sees CANCELLED) when aborted; pass the handler's own signal to chain. */
  readonly signal?: AbortSignal;
}

/**
 * Calls a unary method and returns a promise.
 * @example const me = await callUnary(probe.whoAmI.bind(probe), {});
 */
export function callUnary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, options: UnaryCallOptions = {}): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    options.signal?.throwIfAborted();
    const callOptions: Partial<CallOptions> = options.deadlineMs !== undefined ? { deadline: Date.now() + options.deadlineMs } : {};
    const onAbort = (): void => call.cancel();
    const call = method(request, options.metadata ?? new Metadata(), callOptions, (error, response) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(response);
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
