import { UnavailableError } from '@yiwang/kernel-core';

/**
 * The MongoDB driver's errors that mean "the server cannot be reached" rather than "the request is
 * wrong": no server selected within the timeout, a connection refused, reset or timed out, a pool
 * cleared after such a failure. Matched by name, so a second copy of the driver is recognised too.
 */
const UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
]);

export const DATABASE_UNAVAILABLE_MESSAGE =
  'the service’s database is not reachable right now; the request was not carried out — retry later';

/**
 * A database outage as the caller should see it: UNAVAILABLE (HTTP 503, gRPC UNAVAILABLE) with a
 * clear message instead of a bare internal error, so clients and balancers know to retry. Looks
 * through `cause` because handlers may wrap what the driver threw. Undefined for anything else.
 */
export function databaseUnavailable(error: unknown): UnavailableError | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    if (UNREACHABLE.has((e as { name?: unknown }).name as string)) return new UnavailableError(DATABASE_UNAVAILABLE_MESSAGE);
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
