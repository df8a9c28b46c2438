export * from './coordinates';
export * from './unit-grid';
