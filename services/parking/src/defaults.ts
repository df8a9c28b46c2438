/** The parking service's name and defaults (ports from the architecture's table). */
export const SERVICE_NAME = 'parking';

export const PARKING_DEFAULTS = {
  grpcPort: 50056,
  httpPort: 8086,
  topic: 'yiwang.parking.events.v1',
  database: 'yiwang_parking',
} as const;
