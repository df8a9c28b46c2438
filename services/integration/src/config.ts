import {
  authConfigVars,
  int,
  list,
  loadConfig,
  loggingConfigVars,
  optional,
  port,
  str,
  telemetryConfigVars,
  url,
  type ConfigOf,
  type Env,
} from '@yiwang/platform';
import { INTEGRATION_DEFAULTS } from './public-defaults';

/** The integration service's configuration; only main.ts passes `process.env`. */
export const integrationConfigSchema = {
  host: str('BIND_HOST', { default: '0.0.0.0' }),
  /** CaseLinkService for the centre (mutual TLS). */
  grpcPort: port('INTEGRATION_GRPC_PORT', { default: INTEGRATION_DEFAULTS.grpcPort, allowZero: true }),
  /** Yiwang's own callers (analysts' event log), bearer JWT like every other service: not on the centre's mTLS port. */
  internalGrpcPort: port('INTEGRATION_INTERNAL_GRPC_PORT', { default: INTEGRATION_DEFAULTS.internalGrpcPort, allowZero: true }),
  /** Metrics, health, sync status and on-demand reconciliation (bearer JWT). */
  httpPort: port('INTEGRATION_HTTP_PORT', { default: INTEGRATION_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('INTEGRATION_DB', { default: INTEGRATION_DEFAULTS.database, pattern: /^[A-Za-z0-9_-]{1,60}$/, describe: 'a database name' }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  dispatchTopic: str('DISPATCH_TOPIC', { default: 'yiwang.dispatch.events.v1' }),
  /** Heating's complaints the centre sent (12345 供热投诉), mapped into its case view. */
  heatingTopic: str('HEATING_TOPIC', { default: 'yiwang.heating.events.v1' }),
  consumerGroup: str('INTEGRATION_CONSUMER_GROUP', { default: 'yiwang.integration.case-events' }),
  /** Enforcement's cases: those that came from a closed-loop case the centre follows are shown to it. */
  enforcementTopic: str('ENFORCEMENT_TOPIC', { default: 'yiwang.enforcement.events.v1' }),
  /** How soon the group notices a dead member (Kafka's minimum is 6 s). */
  consumerSessionTimeoutMs: int('INTEGRATION_CONSUMER_SESSION_TIMEOUT_MS', { min: 6_000, default: 30_000 }),
  /** Partitions of dispatch's topic handled at once (per partition, still one event at a time, in order). */
  consumerConcurrency: int('INTEGRATION_CONSUMER_CONCURRENCY', { min: 1, max: 64, default: 3 }),
  /** Intake's gRPC address (work orders become reports there). */
  intakeAddress: str('INTAKE_GRPC_ADDRESS', { default: '127.0.0.1:50051' }),
  /** The centre's OpsCentreService. */
  centreAddress: str('OPSCENTER_ADDRESS', { default: '127.0.0.1:50060' }),
  /**
   * PEM files: the centre's CA (trusted for its server and client certificates), our certificate and
   * key (presented as server and as client). Required unless the caller passes the material itself.
   */
  centreCaFile: optional(str('OPSCENTER_CA_FILE')),
  tlsCertFile: optional(str('INTEGRATION_TLS_CERT_FILE')),
  tlsKeyFile: optional(str('INTEGRATION_TLS_KEY_FILE')),
  /** Subject CNs of the centre's client certificates we accept. */
  centreIdentities: list('OPSCENTER_CLIENT_IDENTITIES', { default: ['opscenter-jiaozuo'] }),
  /** Category code prefixes the centre follows beyond its own orders (`*`: all; empty: only its orders). */
  subscribedCategories: list('OPSCENTER_SUBSCRIBED_CATEGORIES', { default: [] }),
  pushBatchSize: int('OPSCENTER_PUSH_BATCH', { min: 1, max: 500, default: 100 }),
  callTimeoutMs: int('OPSCENTER_CALL_TIMEOUT_MS', { min: 100, default: 5_000 }),
  backoffInitialMs: int('OPSCENTER_BACKOFF_INITIAL_MS', { min: 1, default: 500 }),
  backoffMaxMs: int('OPSCENTER_BACKOFF_MAX_MS', { min: 1, default: 60_000 }),
  breakerFailures: int('OPSCENTER_BREAKER_FAILURES', { min: 1, default: 5 }),
  breakerOpenMs: int('OPSCENTER_BREAKER_OPEN_MS', { min: 1, default: 30_000 }),
  pushPollMs: int('OPSCENTER_PUSH_POLL_MS', { min: 10, default: 250 }),
  leaseTtlMs: int('OPSCENTER_LEASE_TTL_MS', { min: 500, default: 10_000 }),
  /** How often reconciliation runs on its own (0: only on demand). */
  reconcileIntervalMs: int('OPSCENTER_RECONCILE_INTERVAL_MS', { min: 0, default: 15 * 60_000 }),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type IntegrationConfig = ConfigOf<typeof integrationConfigSchema>;

export const loadIntegrationConfig = (env: Env): IntegrationConfig => loadConfig(env, integrationConfigSchema);
