// The kernel's core: what a domain module and an application handler may import. Nothing here
// loads a driver, a broker client, OpenTelemetry or a Node module (a test checks it), so pure
// code stays pure at runtime, not only by lint.
export * from './errors/domain-errors';
export * from './decider/decider';
export * from './decider/decider-spec';
export * from './events/envelope';
export * from './ids/uuid-v7';
export * from './store/event-store';
export * from './store/upcasting';
export * from './caching/recent-entries';
export * from './caching/one-at-a-time';
export * from './commands/command-handler';
export * from './projections/projection';
export * from './ports';
export * from './workers/wakeup';
export * from './workers/leased-worker';
export * from './workers/component-status';
