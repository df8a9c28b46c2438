/** Ports and database when nothing else is configured: its config's defaults, written once. */
export const SIMULATOR_DEFAULTS = { grpcPort: 50060, adminPort: 8090, database: 'opscenter_simulator' } as const;
