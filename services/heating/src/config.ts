import { randomBytes } from 'node:crypto';
import { HEATING_DEFAULTS } from './public-module';
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

/** A 32-byte key as base64 (or base64url); never shown in error messages (as intake reads it). */
function masterKey(name: string): EnvVar<Buffer> {
  const bad = { ok: false as const, reason: `${name} must be 32 bytes, base64-encoded (secret value hidden)` };
  return {
    name,
    secret: true,
    read(raw) {
      const text = raw?.trim() ?? '';
      if (text === '') return { ok: false, reason: `${name} is required` };
      if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return bad;
      try {
        return { ok: true, value: parseMasterKey(text) };
      } catch {
        return bad;
      }
    },
  };
}

/** The heating service's configuration; only main.ts passes `process.env`. */
export const heatingConfigSchema = {
  host: str('BIND_HOST', { default: '0.0.0.0' }),
  grpcPort: port('HEATING_GRPC_PORT', { default: HEATING_DEFAULTS.grpcPort, allowZero: true }),
  httpPort: port('HEATING_HTTP_PORT', { default: HEATING_DEFAULTS.httpPort, allowZero: true }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('HEATING_DB', { default: HEATING_DEFAULTS.database }),
  kafkaBrokers: list('KAFKA_BROKERS', { default: ['127.0.0.1:19092'] }),
  topic: str('HEATING_TOPIC', { default: HEATING_DEFAULTS.topic }),
  /** Which city's rules from data/heating-cities.json (jiaozuo, harbin). */
  city: str('HEATING_CITY', { default: 'jiaozuo' }),
  deadlineScanIntervalMs: int('DEADLINE_SCAN_INTERVAL_MS', { min: 50, default: 5_000 }),
  /** Demo and drill knob: the service's clock this many minutes ahead of real time. 0 in production. */
  clockOffsetMinutes: int('CLOCK_OFFSET_MINUTES', { min: 0, max: 60 * 24 * 60, default: 0 }),
  /** PIPL: wraps the per-complaint keys of residents' contacts (crypto-shredding). Required. */
  piiMasterKey: optional(masterKey('PII_MASTER_KEY')),
  piiEphemeralDevKey: bool('HEATING_DEV_EPHEMERAL_PII_KEY', { default: false }),
  ...authConfigVars,
  ...loggingConfigVars,
  ...telemetryConfigVars,
};

export type HeatingConfig = Omit<ConfigOf<typeof heatingConfigSchema>, 'piiMasterKey'> & { readonly piiMasterKey: Buffer };

export function loadHeatingConfig(env: Env): HeatingConfig {
  const config = loadConfig(env, heatingConfigSchema);
  if (config.piiMasterKey) return { ...config, piiMasterKey: config.piiMasterKey };
  if (config.piiEphemeralDevKey) return { ...config, piiMasterKey: randomBytes(32) };
  throw new ConfigError([
    {
      variable: 'PII_MASTER_KEY',
      reason: 'PII_MASTER_KEY is required (32 bytes, base64); HEATING_DEV_EPHEMERAL_PII_KEY=true gives a throwaway key for development',
    },
  ]);
}
