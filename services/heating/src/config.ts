import { HEATING_DEFAULTS } from './public-module';
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
  personalDataKeyVars,
  withPersonalDataKey,
} from '@yiwang/platform';

/** The heating service's configuration; only main.ts passes `process.env`. */
export const heatingConfigSchema = {
  host: str('BIND_HOST', { default: '0.0.0.0' }),
  grpcPort: port('HEATING_GRPC_PORT', { default: HEATING_DEFAULTS.grpcPort, allowZero: true }),
  httpPort: port('HEATING_HTTP_PORT', { default: HEATING_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('HEATING_DB', { default: HEATING_DEFAULTS.database }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  topic: str('HEATING_TOPIC', { default: HEATING_DEFAULTS.topic }),
  /** Intake's events: its filed reports handed to heating (12345 / citizens' heating complaints). */
  intakeTopic: str('INTAKE_TOPIC', { default: 'yiwang.intake.events.v1' }),
  consumerGroup: str('HEATING_CONSUMER_GROUP', { default: 'yiwang.heating.intake-reports' }),
  /** Which city's rules from data/heating-cities.json (jiaozuo, harbin). */
  city: str('HEATING_CITY', { default: 'jiaozuo' }),
  deadlineScanIntervalMs: int('DEADLINE_SCAN_INTERVAL_MS', { min: 50, default: 5_000 }),
  /** Demo and drill knob: the service's clock this many minutes ahead of real time. 0 in production. */
  clockOffsetMinutes: int('CLOCK_OFFSET_MINUTES', { min: 0, max: 60 * 24 * 60, default: 0 }),
  /** PIPL: wraps the per-complaint keys of residents' contacts (crypto-shredding). Required. */
  ...personalDataKeyVars('HEATING'),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type HeatingConfig = Omit<ConfigOf<typeof heatingConfigSchema>, 'piiMasterKey'> & { readonly piiMasterKey: Buffer };

export function loadHeatingConfig(env: Env): HeatingConfig {
  return withPersonalDataKey(loadConfig(env, heatingConfigSchema), 'HEATING');
}
