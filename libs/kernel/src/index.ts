export * from './errors/domain-errors';
export * from './decider/decider';
export * from './decider/decider-spec';
export * from './events/envelope';
export * from './store/event-store';
export * from './leases/mongo-lease';
