import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '@yiwang/kernel-core';
import { optional, str } from '../config/schema';
import { DEPARTMENT_PATTERN, type Principal } from './principal';

/** How tokens are checked. At least the HS256 secret; a public key adds ES256 or RS256. */
export interface AuthConfig {
  /** HS256 shared secret (`AUTH_JWT_SECRET`, at least 32 characters). */
  readonly jwtSecret: string;
  /** SPKI PEM of an EC P-256 or RSA key (`AUTH_JWT_PUBLIC_KEY`); `\n` escapes are accepted. */
  readonly jwtPublicKey?: string | undefined;
  /** When set, `iss` must equal it. */
  readonly jwtIssuer?: string | undefined;
  /** When set, `aud` must contain it. */
  readonly jwtAudience?: string | undefined;
  /** Allowed clock skew in seconds for `exp`/`nbf` (default 30). */
  readonly clockToleranceSec?: number;
}

/** Config fragment for a service schema: the `AUTH_JWT_*` variables, parsed into an {@link AuthConfig}. */
export const authConfigVars = {
  jwtSecret: str('AUTH_JWT_SECRET', { secret: true, minLength: 32 }),
  jwtPublicKey: optional(
    str('AUTH_JWT_PUBLIC_KEY', { pattern: /-----BEGIN PUBLIC KEY-----/, describe: 'an SPKI PEM public key (-----BEGIN PUBLIC KEY-----)' }),
  ),
  jwtIssuer: optional(str('AUTH_JWT_ISSUER')),
  jwtAudience: optional(str('AUTH_JWT_AUDIENCE')),
};

/** Turns a bearer token into a {@link Principal}, or throws UnauthenticatedError. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

type AsymmetricAlg = 'ES256' | 'RS256';

function publicKeyWithAlg(pem: string): { key: KeyObject; alg: AsymmetricAlg } {
  const key = createPublicKey(pem.replace(/\\n/g, '\n'));
  if (key.asymmetricKeyType === 'rsa') return { key, alg: 'RS256' };
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && (curve === 'prime256v1' || curve === 'P-256')) return { key, alg: 'ES256' };
  throw new Error(`AUTH_JWT_PUBLIC_KEY must be an RSA or EC P-256 key, got ${key.asymmetricKeyType ?? 'unknown'} ${curve ?? ''}`.trim());
}

/** The claims a Yiwang token must carry beyond the registered ones, checked by shape. */
function principalFrom(payload: JWTPayload): Principal {
  const { sub, dept, roles } = payload;
  if (typeof sub !== 'string' || sub === '') throw new UnauthenticatedError('token has no subject (sub)');
  if (typeof dept !== 'string' || !DEPARTMENT_PATTERN.test(dept)) throw new UnauthenticatedError('token has no valid department (dept)');
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string'))
    throw new UnauthenticatedError('token has no roles array (roles)');
  return { subject: sub, department: dept, roles: [...roles] };
}

/**
 * A verifier for the configured keys. The algorithm is pinned per key (HS256 for the secret, the
 * public key's own for it), so a token cannot pick a weaker one ("alg confusion").
 * `exp` is required; `iss`/`aud` are checked when configured.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const secret = new TextEncoder().encode(config.jwtSecret);
  const asymmetric = config.jwtPublicKey ? publicKeyWithAlg(config.jwtPublicKey) : undefined;
  const algorithms = ['HS256', ...(asymmetric ? [asymmetric.alg] : [])];
  const keyFor: JWTVerifyGetKey = (header) => (header.alg === 'HS256' || !asymmetric ? secret : asymmetric.key);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keyFor, {
          algorithms,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: config.clockToleranceSec ?? 30,
          ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
          ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
        });
        return principalFrom(payload);
      } catch (e) {
        if (e instanceof UnauthenticatedError) throw e;
        // jose's messages are safe to show (they name the failed check, never the key).
        if (e instanceof joseErrors.JOSEError) throw new UnauthenticatedError(`invalid token: ${e.message}`, { reason: e.code });
        throw e;
      }
    },
  };
}

/**
 * The token of an `authorization: Bearer <token>` value.
 * @throws UnauthenticatedError when the value is missing or not a bearer credential.
 */
export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw new UnauthenticatedError('missing bearer token');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new UnauthenticatedError('authorization is not a bearer token');
  return match[1];
}

export interface SignTokenOptions {
  /** HS256 secret; the same value the services are configured with. */
  readonly secret: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Lifetime in seconds (default 3600); negative values make an already-expired token, for tests. */
  readonly expiresInSec?: number;
}

/**
 * FOR DEVELOPMENT, TESTS, THE DEMO AND TOOLS ONLY: mints an HS256 token for `principal`.
 * Production tokens come from the identity provider; services only ever verify.
 */
export async function signToken(principal: Principal, options: SignTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ dept: principal.department, roles: [...principal.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSec ?? 3600));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
