import {
  authConfigVars,
  int,
  list,
  loadConfig,
  loggingConfigVars,
  port,
  str,
  telemetryConfigVars,
  url,
  type ConfigOf,
  type Env,
} from '@yiwang/platform';
import { SANITATION_DEFAULTS } from './defaults';

/** The sanitation service's configuration; only main.ts passes `process.env`. */
export const sanitationConfigSchema = {
  host: str('BIND_HOST', { default: '0.0.0.0' }),
  grpcPort: port('SANITATION_GRPC_PORT', { default: SANITATION_DEFAULTS.grpcPort, allowZero: true }),
  httpPort: port('SANITATION_HTTP_PORT', { default: SANITATION_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('SANITATION_DB', { default: SANITATION_DEFAULTS.database }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  topic: str('SANITATION_TOPIC', { default: SANITATION_DEFAULTS.topic }),
  /** How often the leased rectification-deadline scan runs. */
  deadlineScanIntervalMs: int('SANITATION_DEADLINE_SCAN_INTERVAL_MS', { min: 50, default: 5_000 }),
  /** How often the leased daily close looks for an ended day to close (0 turns it off). */
  dayCloseIntervalMs: int('SANITATION_DAY_CLOSE_INTERVAL_MS', { min: 0, default: 60_000 }),
  /** A day is closed this long after it ended, so late gateway batches still count. */
  dayCloseGraceMs: int('SANITATION_DAY_CLOSE_GRACE_MS', { min: 0, default: 2 * 3_600_000 }),
  /** Intake's gRPC address: with it, failed inspections are filed in intake (the closed loop); empty turns the loop off. */
  intakeGrpcAddress: str('INTAKE_GRPC_ADDRESS', { default: '' }),
  /** Where intake publishes, for the closures of the reports the loop filed. */
  intakeTopic: str('INTAKE_EVENTS_TOPIC', { default: 'yiwang.intake.events.v1' }),
  /** Prefix of the loop's consumer groups (hand-off on the own topic, closures on intake's). */
  consumerGroup: str('SANITATION_CONSUMER_GROUP', { default: 'yiwang.sanitation' }),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type SanitationConfig = ConfigOf<typeof sanitationConfigSchema>;

export const loadSanitationConfig = (env: Env): SanitationConfig => loadConfig(env, sanitationConfigSchema);
