export * from './case-view/case-view';
export * from './sync/sync-events';
export * from './sync/sync-decider';
export * from './work-order/category-code-table';
export * from './work-order/work-order';
export * from './resilience/circuit-breaker';
