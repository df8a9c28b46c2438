// The kernel's MongoDB adapters. Everything that knows MongoDB or FerretDB 1.24 lives here
// (no multi-document transactions, no change streams, unique-key inserts as the only atomic claim).
export * from './store/mongo-event-store';
export * from './store/mongo-snapshot-store';
export * from './store/sequencer';
export * from './store/log-scan';
export * from './store/log-time-index';
export * from './leases/mongo-lease';
export * from './projections/read-model';
export * from './projections/projector';
export * from './projections/kept-documents';
export * from './inbox/mongo-inbox';
export * from './checkpoints/mongo-relay-checkpoints';
export * from './privacy/personal-data-vault';
