export * from './report-events';
export * from './handover';
export * from './report-commands';
export * from './report-state';
export * from './report-decide';
export * from './duplicates';
export * from './report-counters';
