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
import { INTAKE_DEFAULTS } from './public-defaults';

/** Every setting of the intake service, read once from the environment (main.ts passes process.env). */
export const intakeConfigSchema = {
  mongodbUri: url('MONGODB_URI', { protocols: ['mongodb:', 'mongodb+srv:'] }),
  database: str('INTAKE_DB', { default: INTAKE_DEFAULTS.database, pattern: /^[A-Za-z0-9_-]{1,60}$/, describe: 'a database name' }),
  kafkaBrokers: list('KAFKA_BROKERS'),
  httpPort: port('INTAKE_HTTP_PORT', { default: INTAKE_DEFAULTS.httpPort, allowZero: true }),
  grpcPort: port('INTAKE_GRPC_PORT', { default: INTAKE_DEFAULTS.grpcPort, allowZero: true }),
  httpHost: str('INTAKE_HOST', { default: '0.0.0.0' }),
  /** Where intake publishes and where dispatch's events come from (overridable for tests). */
  eventsTopic: str('INTAKE_EVENTS_TOPIC', { default: INTAKE_DEFAULTS.topic }),
  dispatchTopic: str('DISPATCH_EVENTS_TOPIC', { default: 'yiwang.dispatch.events.v1' }),
  consumerGroup: str('INTAKE_CONSUMER_GROUP', { default: 'yiwang.intake.dispatch-events' }),
  /** Duplicate merging: same category, within this distance and window (FixMyStreet uses 250 m). */
  duplicateDistanceMeters: int('INTAKE_DUPLICATE_DISTANCE_M', { min: 1, max: 5000, default: 50 }),
  duplicateWindowHours: int('INTAKE_DUPLICATE_WINDOW_HOURS', { min: 1, max: 24 * 30, default: INTAKE_DEFAULTS.duplicateWindowHours }),
  /** Camera reports carry the camera's position, hence a wider radius. */
  cameraDuplicateDistanceMeters: int('INTAKE_CAMERA_DUPLICATE_DISTANCE_M', { min: 1, max: 5000, default: 100 }),
  publicBodyLimitBytes: int('INTAKE_PUBLIC_BODY_LIMIT', { min: 1024, max: 10 * 1024 * 1024, default: 64 * 1024 }),
  /** Open311 api keys mapped to channels: `key1=hotline,key2=citizen`. */
  open311ApiKeys: list('OPEN311_API_KEYS', { default: [] }),
  /** Open311 `jurisdiction_id` this endpoint serves (e.g. `jiaozuo.gov.cn`); empty: any is accepted. */
  open311JurisdictionId: str('OPEN311_JURISDICTION_ID', { default: '' }),
  /**
   * PIPL: the master key wrapping the per-report data keys of reporters' contacts (crypto-shredding).
   * Required; losing it makes every sealed contact unreadable.
   */
  ...personalDataKeyVars('INTAKE'),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type IntakeConfig = Omit<ConfigOf<typeof intakeConfigSchema>, 'piiMasterKey'> & { readonly piiMasterKey: Buffer };

/**
 * The configuration; PII_MASTER_KEY is required unless INTAKE_DEV_EPHEMERAL_PII_KEY=true asks
 * explicitly for a random key of this process only (never a fixed default).
 */
export function loadIntakeConfig(env: Env): IntakeConfig {
  return withPersonalDataKey(loadConfig(env, intakeConfigSchema), 'INTAKE');
}
