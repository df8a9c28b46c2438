/** Ports and database when nothing else is configured: its config's defaults, written once. */
export const INTEGRATION_DEFAULTS = { grpcPort: 50053, internalGrpcPort: 50054, httpPort: 8083, database: 'yiwang_integration' } as const;
