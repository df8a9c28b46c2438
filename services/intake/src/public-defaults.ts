/** Where intake is found when nothing else is configured: its config's defaults, written once. */
export const INTAKE_DEFAULTS = {
  grpcPort: 50051,
  httpPort: 8081,
  topic: 'yiwang.intake.events.v1',
  database: 'yiwang_intake',
  duplicateWindowHours: 72,
} as const;
