/** The service's name and defaults (ports, topic, database), shared by config and the public module. */
export const SERVICE_NAME = 'enforcement';
export const ENFORCEMENT_DEFAULTS = {
  grpcPort: 50055,
  httpPort: 8085,
  topic: 'yiwang.enforcement.events.v1',
  database: 'yiwang_enforcement',
} as const;
