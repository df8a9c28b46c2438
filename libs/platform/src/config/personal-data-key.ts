import { randomBytes } from 'node:crypto';
import { parseMasterKey } from '@yiwang/kernel-mongodb';
import { bool, ConfigError, optional, type EnvVar } from './schema';

/** A 32-byte key as base64 (or base64url); never shown in error messages. */
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

/**
 * PIPL: the master key that wraps the per-subject data keys of personal data (crypto-shredding),
 * `PII_MASTER_KEY`, and `<PREFIX>_DEV_EPHEMERAL_PII_KEY` (development only: a throwaway key of this
 * process, so sealed data dies with it). Spread into a service's config schema; resolve with
 * {@link withPersonalDataKey}.
 */
export const personalDataKeyVars = (servicePrefix: string) => ({
  piiMasterKey: optional(masterKey('PII_MASTER_KEY')),
  piiEphemeralDevKey: bool(`${servicePrefix}_DEV_EPHEMERAL_PII_KEY`, { default: false }),
});

/** The loaded config with its key settled: the master key, else a throwaway one when asked for explicitly, else a config error (never a fixed default). */
export function withPersonalDataKey<C extends { readonly piiMasterKey: Buffer | undefined; readonly piiEphemeralDevKey: boolean }>(
  config: C,
  servicePrefix: string,
): Omit<C, 'piiMasterKey'> & { readonly piiMasterKey: Buffer } {
  if (config.piiMasterKey) return { ...config, piiMasterKey: config.piiMasterKey };
  if (config.piiEphemeralDevKey) return { ...config, piiMasterKey: randomBytes(32) };
  throw new ConfigError([
    {
      variable: 'PII_MASTER_KEY',
      reason: `PII_MASTER_KEY is required (32 bytes, base64); ${servicePrefix}_DEV_EPHEMERAL_PII_KEY=true gives a throwaway key for development`,
    },
  ]);
}
