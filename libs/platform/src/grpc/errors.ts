import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { isDomainError, ValidationError, type DomainErrorCode } from '@yiwang/kernel-core';
import { databaseUnavailable } from '../errors/database-unavailable';

/** The one mapping from domain error codes to gRPC status codes. */
export const GRPC_STATUS_BY_DOMAIN_CODE: Readonly<Record<DomainErrorCode, status>> = {
  VALIDATION: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ILLEGAL_STATE: status.FAILED_PRECONDITION,
  CONCURRENCY: status.ABORTED,
  FORBIDDEN: status.PERMISSION_DENIED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  UNAVAILABLE: status.UNAVAILABLE,
};

/** Trailer with the domain error code, so clients can match on it as well as on the status. */
export const ERROR_CODE_TRAILER = 'yiwang-error-code';
/** Binary trailer with the JSON array of `{ field, message }` of a validation error. */
export const VIOLATIONS_TRAILER = 'yiwang-violations-bin';

/** A status the server sends, built from whatever a handler threw. */
export type GrpcErrorStatus = Partial<StatusObject> & { code: status; details: string };

// Only plain objects: an Error with a `code` is usually a downstream call's failure, whose
// details belong to another service and must not leak through ours.
const isStatus = (e: unknown): e is GrpcErrorStatus =>
  typeof e === 'object' &&
  e !== null &&
  !(e instanceof Error) &&
  typeof (e as { code?: unknown }).code === 'number' &&
  (e as { code: number }).code in status &&
  'details' in e;

/**
 * Maps a thrown value to the status sent to the client. DomainErrors keep their message (it is
 * written for callers); validation violations go in the message and in a binary trailer;
 * anything else becomes INTERNAL with a generic message, so internals never leak.
 * `internal` is true when the cause should be logged as a server fault.
 */
export function toGrpcStatus(thrown: unknown): { status: GrpcErrorStatus; internal: boolean } {
  const error = databaseUnavailable(thrown) ?? thrown;
  if (isDomainError(error)) {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_TRAILER, error.code);
    let details = error.message;
    if (error instanceof ValidationError && error.violations.length > 0) {
      metadata.set(VIOLATIONS_TRAILER, Buffer.from(JSON.stringify(error.violations)));
      details = `${error.message}: ${error.violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`;
    }
    return { status: { code: GRPC_STATUS_BY_DOMAIN_CODE[error.code], details, metadata }, internal: false };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { status: { code: status.CANCELLED, details: 'call cancelled' }, internal: false };
  }
  // A status thrown on purpose by the handler (e.g. `throw { code: status.RESOURCE_EXHAUSTED, details }`).
  if (isStatus(error) && error.code !== status.OK && error.code !== status.UNKNOWN && error.code !== status.INTERNAL) {
    return {
      status: { code: error.code, details: error.details, ...(error.metadata ? { metadata: error.metadata } : {}) },
      internal: false,
    };
  }
  return { status: { code: status.INTERNAL, details: 'internal error' }, internal: true };
}

/** Reads the validation violations a server put in the trailers (empty when there are none). */
export function violationsOf(error: Pick<ServiceError, 'metadata'>): ReadonlyArray<{ field: string; message: string }> {
  const raw = error.metadata?.get(VIOLATIONS_TRAILER)[0];
  if (!raw) return [];
  const parsed: unknown = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : raw);
  return Array.isArray(parsed) ? (parsed as { field: string; message: string }[]) : [];
}
