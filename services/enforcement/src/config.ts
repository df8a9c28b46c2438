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
import { ENFORCEMENT_DEFAULTS } from './defaults';

/** The enforcement service's configuration; only main.ts passes `process.env`. */
export const enforcementConfigSchema = {
  host: str('BIND_HOST', { default: '0.0.0.0' }),
  grpcPort: port('ENFORCEMENT_GRPC_PORT', { default: ENFORCEMENT_DEFAULTS.grpcPort, allowZero: true }),
  httpPort: port('ENFORCEMENT_HTTP_PORT', { default: ENFORCEMENT_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('ENFORCEMENT_DB', { default: ENFORCEMENT_DEFAULTS.database }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  topic: str('ENFORCEMENT_TOPIC', { default: ENFORCEMENT_DEFAULTS.topic }),
  /** dispatch's case events, read by the hand-over process manager (its own consumer group). */
  dispatchTopic: str('ENFORCEMENT_DISPATCH_TOPIC', { default: 'yiwang.dispatch.events.v1' }),
  dispatchGroup: str('ENFORCEMENT_DISPATCH_GROUP', { default: 'yiwang.enforcement.dispatch-handover' }),
  /** dispatch's gRPC API, where a handed-over case's handling feedback is reported when it ends. */
  dispatchGrpcAddress: str('DISPATCH_GRPC_ADDRESS', { default: '127.0.0.1:50052' }),
  deadlineScanIntervalMs: int('ENFORCEMENT_DEADLINE_SCAN_INTERVAL_MS', { min: 50, default: 5_000 }),
  /** Demo and drill knob: the service clock runs this many minutes ahead. 0 in production. */
  clockOffsetMinutes: int('ENFORCEMENT_CLOCK_OFFSET_MINUTES', { min: 0, max: 60 * 24 * 400, default: 0 }),
  /** PIPL: the master key wrapping the per-case keys of parties' personal data. */
  ...personalDataKeyVars('ENFORCEMENT'),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type EnforcementConfig = Omit<ConfigOf<typeof enforcementConfigSchema>, 'piiMasterKey'> & { readonly piiMasterKey: Buffer };

export function loadEnforcementConfig(env: Env): EnforcementConfig {
  return withPersonalDataKey(loadConfig(env, enforcementConfigSchema), 'ENFORCEMENT');
}
