/**
 * @yiwang/event-log — a service's ordered log over gRPC (`yiwang.eventlog.v1.EventLogService`):
 * the server, written once and registered by every service, and the client helpers analysts'
 * tools use. See proto/yiwang/eventlog/v1/event_log.proto for the contract.
 */
export * from './cursor';
export * from './roles';
export * from './personal-data';
export * from './event-log-server';
export * from './event-log-client';
export * from './service-analytics';
