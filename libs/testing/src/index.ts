export * from './servers';
export * from './waiting';
