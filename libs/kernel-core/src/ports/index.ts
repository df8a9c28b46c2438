export * from './lease';
export * from './inbox';
export * from './relay-checkpoints';
export * from './snapshots';
export * from './read-models';
export * from './clock';
