import { randomBytes } from 'node:crypto';
import { ConfigError } from '@yiwang/platform';
import { loadIntakeConfig } from './config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27018/', KAFKA_BROKERS: '127.0.0.1:19092', AUTH_JWT_SECRET: 'x'.repeat(40) };

describe('PII_MASTER_KEY', () => {
  it('is required: no silent default', () => {
    expect(() => loadIntakeConfig(base)).toThrow(ConfigError);
    expect(() => loadIntakeConfig(base)).toThrow(/PII_MASTER_KEY is required/);
  });

  it('must be 32 bytes of base64, and its value is never shown', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => loadIntakeConfig({ ...base, PII_MASTER_KEY: short })).toThrow(/PII_MASTER_KEY must be 32 bytes/);
    expect(() => loadIntakeConfig({ ...base, PII_MASTER_KEY: short })).not.toThrow(short);
    const key = randomBytes(32);
    expect(loadIntakeConfig({ ...base, PII_MASTER_KEY: key.toString('base64') }).piiMasterKey).toEqual(key);
    expect(loadIntakeConfig({ ...base, PII_MASTER_KEY: key.toString('base64url') }).piiMasterKey).toEqual(key);
  });

  it('a random throwaway key only with the explicit dev flag', () => {
    const a = loadIntakeConfig({ ...base, INTAKE_DEV_EPHEMERAL_PII_KEY: 'true' }).piiMasterKey;
    expect(a).toHaveLength(32);
    expect(loadIntakeConfig({ ...base, INTAKE_DEV_EPHEMERAL_PII_KEY: 'true' }).piiMasterKey).not.toEqual(a);
    expect(() => loadIntakeConfig({ ...base, INTAKE_DEV_EPHEMERAL_PII_KEY: 'false' })).toThrow(/PII_MASTER_KEY/);
  });
});
