import { status } from '@grpc/grpc-js';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { toGrpcStatus } from '../grpc/errors';
import { problemFromError } from '../http/problem';
import { databaseUnavailable } from './database-unavailable';

// The driver's own errors, as it throws them when the server is gone (no server to select, a connection reset).
const selection = new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27018', { type: 'Unknown', servers: new Map() } as never);
const reset = new MongoNetworkError('connection 3 to 127.0.0.1:27018 closed');

it('turns an unreachable database into 503 problem+json with a clear message, not a bare 500', () => {
  for (const e of [selection, reset, new Error('handler failed', { cause: reset })]) {
    const { problem, fault } = problemFromError(e);
    expect(problem).toMatchObject({ status: 503, code: 'UNAVAILABLE', detail: expect.stringMatching(/database is not reachable/) });
    expect(fault).toBe(false);
  }
});

it('turns it into gRPC UNAVAILABLE with the same message', () => {
  const { status: s, internal } = toGrpcStatus(selection);
  expect(s).toMatchObject({ code: status.UNAVAILABLE, details: expect.stringMatching(/database is not reachable/) });
  expect(internal).toBe(false);
});

it('leaves the database’s answers to a reachable server alone (a refused write is still an internal error)', () => {
  const refused = new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
  expect(databaseUnavailable(refused)).toBeUndefined();
  expect(problemFromError(refused).problem.status).toBe(500);
  expect(toGrpcStatus(refused).status.code).toBe(status.INTERNAL);
});
