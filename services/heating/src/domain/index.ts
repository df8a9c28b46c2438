/** The heating domain: configuration, refund rules, the complaint and monitoring-point deciders (no I/O). */
export * from './shared/values';
export * from './shared/actor';
export * from './config';
export * from './complaint';
export * from './monitoring';
