export * from './responsibility-matrix';
