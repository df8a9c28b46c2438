/** The dispatch domain: pure deciders, calendar, routing and indicators (no I/O). */
export * from './shared/values';
export * from './shared/actor';
export * from '@yiwang/working-time';
export * from './case';
export * from './routing';
export * from './indicators';
