import { randomBytes } from 'node:crypto';
import { parseMasterKey } from '@yiwang/kernel-mongodb';
import {
  authConfigVars,
  bool,
  ConfigError,
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
  type EnvVar,
} from '@yiwang/platform';
import { ENFORCEMENT_DEFAULTS } from './defaults';

/** A 32-byte key as base64; never shown in error messages. */
function masterKey(name: string): EnvVar<Buffer> {
  return {
    name,
    secret: true,
    read(raw) {
      try {
        return { ok: true, value: parseMasterKey((raw ?? '').trim()) };
      } catch {
        return { ok: false, reason: `${name} must be 32 bytes, base64-encoded (secret value hidden)` };
      }
    },
  };
}

/** The enforcement service's configuration; only main.ts passes `process.env`. */
export const enforcementConfigSchema = {
  host: str('BIND_HOST', { default: '0.0.0.0' }),
  grpcPort: port('ENFORCEMENT_GRPC_PORT', { default: ENFORCEMENT_DEFAULTS.grpcPort, allowZero: true }),
  httpPort: port('ENFORCEMENT_HTTP_PORT', { default: ENFORCEMENT_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('ENFORCEMENT_DB', { default: ENFORCEMENT_DEFAULTS.database }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  topic: str('ENFORCEMENT_TOPIC', { default: ENFORCEMENT_DEFAULTS.topic }),
  deadlineScanIntervalMs: int('ENFORCEMENT_DEADLINE_SCAN_INTERVAL_MS', { min: 50, default: 5_000 }),
  /** Demo and drill knob: the service clock runs this many minutes ahead. 0 in production. */
  clockOffsetMinutes: int('ENFORCEMENT_CLOCK_OFFSET_MINUTES', { min: 0, max: 60 * 24 * 400, default: 0 }),
  /** PIPL: the master key wrapping the per-case keys of parties' personal data. */
  piiMasterKey: optional(masterKey('PII_MASTER_KEY')),
  /** Development only: without PII_MASTER_KEY, a throwaway key (parties die with the process). */
  piiEphemeralDevKey: bool('ENFORCEMENT_DEV_EPHEMERAL_PII_KEY', { default: false }),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type EnforcementConfig = Omit<ConfigOf<typeof enforcementConfigSchema>, 'piiMasterKey'> & { readonly piiMasterKey: Buffer };

export function loadEnforcementConfig(env: Env): EnforcementConfig {
  const config = loadConfig(env, enforcementConfigSchema);
  if (config.piiMasterKey) return { ...config, piiMasterKey: config.piiMasterKey };
  if (config.piiEphemeralDevKey) return { ...config, piiMasterKey: randomBytes(32) };
  throw new ConfigError([
    {
      variable: 'PII_MASTER_KEY',
      reason: 'PII_MASTER_KEY is required (32 bytes, base64); ENFORCEMENT_DEV_EPHEMERAL_PII_KEY=true gives a throwaway key for development',
    },
  ]);
}
