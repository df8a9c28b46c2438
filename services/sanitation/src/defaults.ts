export const SERVICE_NAME = 'sanitation';

/** Where the service listens and publishes unless configured otherwise. */
export const SANITATION_DEFAULTS = {
  grpcPort: 50058,
  httpPort: 8088,
  topic: 'yiwang.sanitation.events.v1',
  database: 'yiwang_sanitation',
} as const;
