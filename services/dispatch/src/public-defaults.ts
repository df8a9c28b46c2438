/** Where dispatch is found when nothing else is configured: its config's defaults, written once. */
export const DISPATCH_DEFAULTS = {
  grpcPort: 50052,
  httpPort: 8082,
  topic: 'yiwang.dispatch.events.v1',
  database: 'yiwang_dispatch',
} as const;
