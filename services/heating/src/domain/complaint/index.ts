export * from './complaint-events';
export * from './complaint-commands';
export * from './complaint-state';
export * from './complaint-decider';
export * from './complaint-rules';
export { HEIGHT_CM, DOORS_CLOSED_MIN_MINUTES } from './complaint-decide-measure';
export { inSeasonWindow } from './season';
