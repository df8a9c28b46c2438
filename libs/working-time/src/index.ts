// Working time in Asia/Shanghai, pure: no I/O, no clock of its own (callers pass instants).
export * from './calendar';
export * from './limits';
export * from './deadlines/deadline-scan';
