/**
 * The few error kinds every transport knows how to report. Each carries a stable `code`
 * (clients match on it) and readonly context; HTTP maps them to problem+json, gRPC to a status.
 */
export type DomainErrorCode =
  'VALIDATION' | 'ILLEGAL_STATE' | 'NOT_FOUND' | 'CONCURRENCY' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'UNAVAILABLE';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that can never be accepted, whatever the state: bad fields, unknown codes, out-of-range values. */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION' as const;
  constructor(
    message: string,
    readonly violations: ReadonlyArray<{ readonly field: string; readonly message: string }> = [],
    context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message, { ...context, violations });
  }
}

/** A command that is valid in itself but not allowed in the aggregate's current state. */
export class IllegalStateError extends DomainError {
  readonly code = 'ILLEGAL_STATE' as const;
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}

/** The stream moved on since the caller read it; `actualVersion` is where it is now (-1: no stream). */
export class ConcurrencyError extends DomainError {
  readonly code = 'CONCURRENCY' as const;
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId}: expected version ${expected}, but it is at ${actualVersion}`, { streamId, expected, actualVersion });
  }
}

/** The caller is known but may not do this (another department's case, a missing role). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
}

/** A dependency (database, broker, peer) is not reachable right now; the caller may retry. */
export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE' as const;
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
