// A separate entry (`@yiwang/kernel-core/telemetry`) so that the main one loads no OpenTelemetry.
export * from './observability/instruments';
