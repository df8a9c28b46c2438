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
import { PARKING_DEFAULTS } from './defaults';

/** The parking service's configuration; only main.ts passes `process.env`. */
export const parkingConfigSchema = {
  host: str('PARKING_HOST', { default: '0.0.0.0' }),
  grpcPort: port('PARKING_GRPC_PORT', { default: PARKING_DEFAULTS.grpcPort, allowZero: true }),
  httpPort: port('PARKING_HTTP_PORT', { default: PARKING_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('PARKING_DB', { default: PARKING_DEFAULTS.database }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  topic: str('PARKING_EVENTS_TOPIC', { default: PARKING_DEFAULTS.topic }),
  /** Dispatch's case events: which 机动车乱停放 cases went to which squad. */
  dispatchTopic: str('DISPATCH_EVENTS_TOPIC', { default: 'yiwang.dispatch.events.v1' }),
  /** Dispatch's gRPC API, where a closed violation reports its case's handling. */
  dispatchGrpcAddress: str('DISPATCH_GRPC_ADDRESS', { default: '127.0.0.1:50052' }),
  /** The consumer group of the dispatch link (dispatch's events and parking's closed violations). */
  consumerGroup: str('PARKING_CONSUMER_GROUP', { default: 'yiwang.parking.dispatch-link' }),
  deadlineScanIntervalMs: int('PARKING_DEADLINE_SCAN_INTERVAL_MS', { min: 50, default: 5_000 }),
  /** Seals plates and owners (crypto-shredding). */
  ...personalDataKeyVars('PARKING'),
  /**
   * Keys of the plate hash, newest first: `k2:<base64>,k1:<base64>`. New records use the first;
   * lookups try all, so a rotated key still finds older records. Empty: one key derived from the
   * master key (development).
   */
  plateHashKeys: list('PLATE_HASH_KEYS', { default: [] }),
  /** Demo and drill knob: run the service's clock this many minutes ahead of real time. 0 in production. */
  clockOffsetMinutes: int('PARKING_CLOCK_OFFSET_MINUTES', { min: 0, max: 60 * 24 * 400, default: 0 }),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type ParkingConfig = Omit<ConfigOf<typeof parkingConfigSchema>, 'piiMasterKey'> & { readonly piiMasterKey: Buffer };

/** PII_MASTER_KEY is required unless PARKING_DEV_EPHEMERAL_PII_KEY=true asks for a throwaway one. */
export function loadParkingConfig(env: Env): ParkingConfig {
  return withPersonalDataKey(loadConfig(env, parkingConfigSchema), 'PARKING');
}
