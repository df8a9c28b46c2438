/**
 * @yiwang/platform — what every Yiwang service needs around its domain: configuration, logging,
 * authentication, the gRPC and HTTP edges, readiness checks and OpenTelemetry.
 * The kernel never imports this library; services wire it up in their `main.ts`.
 */
export * from './config/schema';
export * from './logging/logger';
export * from './auth/principal';
export * from './auth/jwt';
export * from './telemetry/telemetry';
export * from './telemetry/lazy-instrument';
export * from './readiness/checks';
export { authed, unary, callContext, type CallContext, type AuthedUnaryHandler, type ServerCall } from './grpc/call-context';
export { createGrpcServer, type GrpcServer, type GrpcServerOptions, type GrpcServiceRegistration } from './grpc/server';
export * from './grpc/client';
export * from './grpc/errors';
export { DeadlineExceeded, CallCancelled } from './grpc/call-scope';
export { extractTraceContext, injectTraceContext } from './grpc/trace-context';
export { reflectionDescriptors, HEALTH_SERVICE } from './grpc/reflection';
export { buildHttpApp, sendProblem, type HttpAppOptions } from './http/app';
export { type HttpApp } from './http/http-app-type';
export { principalOf } from './http/auth-hook';
export { problems, problemResponse, PROBLEM_SCHEMA, type ErrorResponse } from './http/documented-errors';
export * from './http/problem';
export * from './errors/database-unavailable';
export * from './lifecycle/shutdown';
export * from './lifecycle/service-process';
export * from './config/personal-data-key';
