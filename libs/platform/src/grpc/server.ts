import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type MethodDefinition,
  type sendUnaryData,
  Server,
  ServerCredentials,
  type ServerOptions,
  type ServiceDefinition,
  status,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { type Logger } from '../logging/logger';
import { type TokenVerifier } from '../auth/jwt';
import { reflectionDescriptors } from './reflection';
import { startCallScope, type CallScope } from './call-scope';
import { toGrpcStatus } from './errors';
import { type ServerCall } from './call-context';

/** One service to serve: the generated definition (e.g. `ProbeServiceService`) and its implementation. */
export interface GrpcServiceRegistration {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  readonly services: readonly GrpcServiceRegistration[];
  readonly auth: TokenVerifier;
  readonly logger: Logger;
  /** Full method paths (`/pkg.Service/Method`) callable without a token. Health and reflection always are. */
  readonly publicMethods?: readonly string[];
  /** Grace period for in-flight calls on shutdown before they are cut (default 10 s). */
  readonly shutdownTimeoutMs?: number;
  /** Time between reporting NOT_SERVING and refusing new calls, so balancers can move away (default 0). */
  readonly drainDelayMs?: number;
  readonly serverOptions?: ServerOptions;
}

/** A configured server: bind it with `listen`, stop it with `shutdown`. */
export interface GrpcServer {
  readonly server: Server;
  readonly health: HealthImplementation;
  /** Fully-qualified names of the served application services (health status keys). */
  readonly serviceNames: readonly string[];
  /** Binds (e.g. `0.0.0.0:50051`, or port 0 for any) and reports SERVING; resolves to the bound port. */
  listen(address: string, credentials?: ServerCredentials): Promise<number>;
  /** Sets the health status of every served service and of the server as a whole (`''`). */
  setServing(serving: boolean): void;
  /** NOT_SERVING, drain delay, `tryShutdown` within the grace period, then `forceShutdown`. Idempotent. */
  shutdown(): Promise<void>;
}

type Kind = 'unary' | 'clientStream' | 'serverStream' | 'bidi';
const kindOf = (m: MethodDefinition<unknown, unknown>): Kind =>
  m.requestStream ? (m.responseStream ? 'bidi' : 'clientStream') : m.responseStream ? 'serverStream' : 'unary';

const serviceNameOf = (definition: ServiceDefinition): string => {
  const first = Object.values(definition)[0];
  if (!first) throw new Error('a gRPC service definition without methods');
  return first.path.split('/')[1] ?? first.path;
};

/**
 * A gRPC server with the platform's conventions built in: the standard health service
 * (per-service status), server reflection (for grpcurl & co.), bearer-token authentication of
 * every application call, DomainError → status mapping, W3C trace context, deadline-aware call
 * contexts (see `authed`) and graceful shutdown.
 */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const server = new Server(options.serverOptions);
  const serviceNames = options.services.map((s) => serviceNameOf(s.definition));
  const health = new HealthImplementation(
    Object.fromEntries(['', ...serviceNames].map((n): [string, ServingStatus] => [n, 'NOT_SERVING'])),
  );
  health.addToServer(server);

  const reflection = reflectionDescriptors(serviceNames);
  new ReflectionService(reflection.definition, { services: [...reflection.services] }).addToServer(server);

  const publicMethods = new Set(options.publicMethods ?? []);
  for (const { definition, implementation } of options.services) {
    const wrapped: UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(definition)) {
      const handler = implementation[name];
      if (!handler) throw new Error(`${method.path} has no implementation`);
      wrapped[name] = wrapHandler(handler, kindOf(method), (call) =>
        startCallScope(call, { auth: options.auth, logger: options.logger, isPublic: publicMethods.has(method.path) }),
      );
    }
    server.addService(definition, wrapped);
  }

  const setServing = (serving: boolean): void => {
    for (const name of ['', ...serviceNames]) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
  };
  let stopping: Promise<void> | undefined;

  return {
    server,
    health,
    serviceNames,
    setServing,
    listen: (address, credentials = ServerCredentials.createInsecure()) =>
      new Promise<number>((resolve, reject) => {
        server.bindAsync(address, credentials, (error, port) => {
          if (error) return reject(error);
          setServing(true);
          options.logger.info({ port, services: serviceNames }, 'gRPC server listening');
          resolve(port);
        });
      }),
    shutdown: () => {
      stopping ??= (async () => {
        setServing(false);
        if (options.drainDelayMs) await new Promise((r) => setTimeout(r, options.drainDelayMs));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            options.logger.warn('gRPC calls still running after the grace period: forcing shutdown');
            server.forceShutdown();
            resolve();
          }, options.shutdownTimeoutMs ?? 10_000);
          server.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        options.logger.info('gRPC server stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Runs the handler inside the call's scope (principal, trace context, deadline signal) once the
 * token is verified, and turns whatever it fails with into a status.
 */
function wrapHandler(handler: UntypedHandleCall, kind: Kind, begin: (call: ServerCall) => Promise<CallScope>): UntypedHandleCall {
  if (kind === 'unary' || kind === 'clientStream') {
    const inner = handler as (call: ServerCall, callback: sendUnaryData<unknown>) => unknown;
    const wrapped: handleUnaryCall<unknown, unknown> = (call, callback) => {
      let scope: CallScope | undefined;
      let replied = false;
      const reply: sendUnaryData<unknown> = (error, value, trailer, flags) => {
        if (replied) return;
        replied = true;
        if (!error) {
          scope?.finish(status.OK);
          return callback(null, value, trailer, flags);
        }
        const mapped = toGrpcStatus(error);
        scope?.finish(mapped.status.code, mapped.internal ? error : undefined);
        callback(mapped.status);
      };
      const failWith = (error: unknown): void => reply(toGrpcStatus(error).status);
      begin(call).then((started) => {
        scope = started;
        started.run(
          () => inner(call, reply),
          (error) => reply(error instanceof Error ? error : toGrpcStatus(error).status),
        );
      }, failWith);
    };
    return wrapped as UntypedHandleCall;
  }
  const inner = handler as (call: ServerCall) => unknown;
  const wrapped: handleServerStreamingCall<unknown, unknown> = (call) => {
    const fail = (error: unknown, scope?: CallScope): void => {
      const mapped = toGrpcStatus(error);
      scope?.finish(mapped.status.code, mapped.internal ? error : undefined);
      call.emit('error', mapped.status);
    };
    begin(call).then(
      (scope) => {
        call.once('finish', () => scope.finish(status.OK));
        // Stream handlers may be async; a rejection ends the stream with the mapped status.
        scope.run(
          () => inner(call),
          (error) => fail(error, scope),
        );
      },
      (error: unknown) => fail(error),
    );
  };
  return wrapped as UntypedHandleCall;
}
