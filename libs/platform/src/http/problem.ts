import { STATUS_CODES } from 'node:http';
import { isDomainError, ValidationError, type DomainErrorCode } from '@yiwang/kernel-core';
import { databaseUnavailable } from '../errors/database-unavailable';

/** RFC 9457 problem details, with Yiwang's extension members. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  /** Stable machine-readable code: a DomainError code, or fastify's `FST_…` code. */
  readonly code?: string;
  readonly violations?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
  /** The trace of the failed request, to quote when reporting a problem. */
  readonly traceId?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The one mapping from domain error codes to HTTP statuses. */
export const HTTP_STATUS_BY_DOMAIN_CODE: Readonly<Record<DomainErrorCode, number>> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ILLEGAL_STATE: 409,
  CONCURRENCY: 409,
  UNAVAILABLE: 503,
};

/** `urn:yiwang:problem:illegal-state` etc.: stable, dereferencing them is not needed. */
export const problemType = (code: string): string => `urn:yiwang:problem:${code.toLowerCase().replace(/_/g, '-')}`;

const titleOf = (status: number): string => STATUS_CODES[status] ?? 'Error';

/** What fastify attaches to errors it raises itself (validation, body parsing, limits). */
interface FastifyishError {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message: string;
  readonly validation?: ReadonlyArray<{
    readonly instancePath?: string;
    readonly message?: string;
    readonly params?: Readonly<Record<string, unknown>>;
    /** With ajv's `verbose`: the schema that failed, whose description says what is expected. */
    readonly parentSchema?: Readonly<{ description?: unknown }>;
  }>;
  readonly validationContext?: string;
}

const fieldOf = (context: string | undefined, v: NonNullable<FastifyishError['validation']>[number]): string => {
  const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  // ajv reports a missing property on its parent; name the property itself.
  const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : undefined;
  const field = [path, missing].filter(Boolean).join('.');
  return [context, field].filter(Boolean).join('.') || (context ?? 'request');
};

/**
 * Maps a thrown value to a problem. DomainErrors keep their message and code; fastify's own client
 * errors (validation, invalid JSON, too large bodies) keep theirs; everything else becomes a
 * bare 500 whose message is NOT shown. `fault` tells the caller to log the error as a server fault.
 */
export function problemFromError(thrown: unknown): { problem: ProblemDetails; fault: boolean } {
  const error = databaseUnavailable(thrown) ?? thrown;
  if (isDomainError(error)) {
    const status = HTTP_STATUS_BY_DOMAIN_CODE[error.code];
    const violations = error instanceof ValidationError && error.violations.length > 0 ? { violations: error.violations } : {};
    return {
      problem: { type: problemType(error.code), title: titleOf(status), status, detail: error.message, code: error.code, ...violations },
      fault: false,
    };
  }
  const e = error as Partial<FastifyishError> | undefined;
  if (e && Array.isArray(e.validation)) {
    const violations = e.validation.map((v) => {
      const expected = typeof v.parentSchema?.description === 'string' ? ` (${v.parentSchema.description})` : '';
      return { field: fieldOf(e.validationContext, v), message: `${v.message ?? 'is invalid'}${expected}` };
    });
    return {
      problem: {
        type: problemType('VALIDATION'),
        title: titleOf(400),
        status: 400,
        detail: 'the request is invalid',
        code: 'VALIDATION',
        violations,
      },
      fault: false,
    };
  }
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      problem: {
        type: 'about:blank',
        title: titleOf(e.statusCode),
        status: e.statusCode,
        detail: e.message ?? titleOf(e.statusCode),
        ...(e.code ? { code: e.code } : {}),
      },
      fault: false,
    };
  }
  return { problem: { type: 'about:blank', title: titleOf(500), status: 500, detail: 'an internal error occurred' }, fault: true };
}
