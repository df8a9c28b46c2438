export * from './case-counters';
export * from './case-timeline';
export * from './indicator-formulas';
export * from './ranking';
export * from './report-counters';
export * from './stored-rows';
