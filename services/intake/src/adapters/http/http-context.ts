import { type FastifyRequest } from 'fastify';
import { requireRole, principalOf, type Principal } from '@yiwang/platform';
import { type CallMeta } from '../../application/intake-application';

/** Roles of the intake's callers (beyond the centre's, which the domain checks itself). */
export const IntakeHttpRoles = {
  hotline: 'hotline.agent',
  sensorGateway: 'sensor.gateway',
} as const;

/** Anyone on a public route without a token. */
export const ANONYMOUS_CITIZEN = { subject: 'citizen:anonymous', department: 'public', roles: [] as string[] };

const traceparentOf = (request: FastifyRequest): string | undefined => {
  const h = request.headers.traceparent;
  return typeof h === 'string' ? h : undefined;
};

export function metaFor(request: FastifyRequest, principal: Principal | undefined): CallMeta {
  const traceparent = traceparentOf(request);
  return { actor: principal ?? ANONYMOUS_CITIZEN, ...(traceparent ? { traceparent } : {}) };
}

/** The verified caller, who must hold one of `roles` (401 without a token, 403 without the role). */
export function callerWithRole(request: FastifyRequest, ...roles: string[]): Principal {
  const principal = principalOf(request);
  requireRole(principal, ...roles);
  return principal;
}

/** An `Idempotency-Key` header, when the client sent one. */
export function idempotencyKey(request: FastifyRequest): string | undefined {
  const h = request.headers['idempotency-key'];
  return typeof h === 'string' && h !== '' ? h : undefined;
}
