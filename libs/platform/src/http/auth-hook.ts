import { type FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '@yiwang/kernel-core';
import { bearerToken, type TokenVerifier } from '../auth/jwt';
import { type Principal } from '../auth/principal';
import { type HttpApp } from './http-app-type';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; undefined on public routes called without a token. */
    principal: Principal | undefined;
  }
  interface FastifyContextConfig {
    /** When true the route needs no token (citizen intake, Open311); a token given is still verified. */
    public?: boolean;
  }
}

/**
 * Verifies `authorization: Bearer …` on every route except those with `config: { public: true }`
 * (and the platform's own /healthz, /readyz, /metrics, /openapi.json).
 */
export function installBearerAuth(app: HttpApp, verifier: TokenVerifier): void {
  app.decorateRequest('principal', undefined);
  app.addHook('preHandler', async (request) => {
    const authorization = request.headers.authorization;
    // Unknown routes answer 404 for everyone: there is nothing there to protect.
    if (request.is404 || (request.routeOptions.config.public && authorization === undefined)) return;
    request.principal = await verifier.verify(bearerToken(authorization));
  });
}

/**
 * The verified caller of a route that requires one.
 * @throws UnauthenticatedError on a public route called without a token.
 */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError('this endpoint needs a bearer token');
  return request.principal;
}
