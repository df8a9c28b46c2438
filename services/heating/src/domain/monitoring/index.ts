export * from './point-track';
export * from './point-decider';
