export * from './events';
export * from './commands';
export * from './state';
export * from './party-and-penalty';
export * from './deadlines';
export * from './decider';
export { hearingRight, legalReviewReasons } from './decide-notice';
export { atNight, ordersDemolition } from './decide-demolition';
