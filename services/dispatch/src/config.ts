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
import { DISPATCH_DEFAULTS } from './public-defaults';

/** The dispatch service's configuration; only main.ts passes `process.env`. */
export const dispatchConfigSchema = {
  host: str('BIND_HOST', { default: '0.0.0.0' }),
  grpcPort: port('GRPC_PORT', { default: DISPATCH_DEFAULTS.grpcPort, allowZero: true }),
  httpPort: port('HTTP_PORT', { default: DISPATCH_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('DISPATCH_DB', { default: DISPATCH_DEFAULTS.database }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  /** Where dispatch publishes its events. */
  dispatchTopic: str('DISPATCH_TOPIC', { default: DISPATCH_DEFAULTS.topic }),
  /** Where intake's filed reports come from. */
  intakeTopic: str('INTAKE_TOPIC', { default: 'yiwang.intake.events.v1' }),
  consumerGroup: str('DISPATCH_CONSUMER_GROUP', { default: 'yiwang.dispatch.filed-report-router' }),
  /** How often the leased deadline scan runs. */
  deadlineScanIntervalMs: int('DEADLINE_SCAN_INTERVAL_MS', { min: 50, default: 5_000 }),
  /**
   * Demo and drill knob: run the service's clock this many minutes ahead of real time (e.g. to show
   * deadlines passing after a restart). 0 in production.
   */
  clockOffsetMinutes: int('CLOCK_OFFSET_MINUTES', { min: 0, max: 60 * 24 * 60, default: 0 }),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type DispatchConfig = ConfigOf<typeof dispatchConfigSchema>;

export const loadDispatchConfig = (env: Env): DispatchConfig => loadConfig(env, dispatchConfigSchema);
