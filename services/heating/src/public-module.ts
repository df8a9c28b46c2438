export const SERVICE_NAME = 'heating';

/** Defaults of the heating service (ports, topic, database), as config.ts uses them. */
export const HEATING_DEFAULTS = { grpcPort: 50057, httpPort: 8087, topic: 'yiwang.heating.events.v1', database: 'yiwang_heating' } as const;
