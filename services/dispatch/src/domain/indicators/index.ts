export * from './case-counters';
export * from './indicator-formulas';
export * from './ranking';
export * from './report-counters';
