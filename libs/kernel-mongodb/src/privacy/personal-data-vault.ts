import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Db } from 'mongodb';

/**
 * Crypto-shredding (PIPL erasure in immutable event logs): personal data is stored only sealed
 * with a data key of its subject (a report, a person); erasing the subject deletes the key, and
 * every copy of the ciphertext — stored events, Kafka, backups — becomes unreadable at once.
 *
 * One AES-256-GCM data key per subject, in a document keyed by string `_id` (the only indexed
 * lookup on FerretDB), wrapped (AES-256-GCM) by a master key from configuration. The subject id
 * is authenticated data of both the wrapped key and each sealed value, so neither can be moved
 * to another subject. A key is created by an `_id` insert (a lost race reads the winner's key);
 * nothing is cached, so an erasure takes effect in every process at once.
 */
export interface VaultKeyStore {
  findOne(filter: { _id: string }): Promise<Record<string, unknown> | null>;
  insertOne(doc: { _id: string; wrapped: string; createdAt: Date }): Promise<unknown>;
  deleteOne(filter: { _id: string }): Promise<unknown>;
}

/** The key documents in a MongoDB collection of the service's database. */
export const mongoVaultKeys = (db: Db, collection = 'personal_data_keys'): VaultKeyStore =>
  db.collection<{ _id: string; wrapped: string; createdAt: Date }>(collection);

/** A sealed value or wrapped key failed authentication: tampered with, or another master key. */
export class SealedDataTamperedError extends Error {
  constructor(readonly subjectId: string) {
    super(`sealed personal data of ${subjectId} failed authentication`);
    this.name = 'SealedDataTamperedError';
  }
}

const PREFIX = 'pd1';
const keyId = (subjectId: string): string => `pdk:${subjectId}`;
const b64 = (b: Buffer): string => b.toString('base64url');

function encrypt(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [PREFIX, b64(iv), b64(body), b64(cipher.getAuthTag())].join('.');
}

function decrypt(key: Buffer, sealed: string, aad: string, subjectId: string): Buffer {
  const [prefix, iv, body, tag, ...rest] = sealed.split('.');
  if (prefix !== PREFIX || iv === undefined || body === undefined || tag === undefined || rest.length > 0)
    throw new SealedDataTamperedError(subjectId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  } catch {
    throw new SealedDataTamperedError(subjectId);
  }
}

/** Whether a string looks like a value sealed by a vault (for checks that no plaintext leaks). */
export const isSealed = (value: unknown): boolean =>
  typeof value === 'string' && value.startsWith(`${PREFIX}.`) && value.split('.').length === 4;

/** Reads a master key from configuration: 32 bytes as base64 (or base64url). */
export function parseMasterKey(encoded: string): Buffer {
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) throw new Error('the personal-data master key must be 32 bytes, base64-encoded');
  return key;
}

export class PersonalDataVault {
  private readonly masterKey: Buffer;

  /** `keys`: a MongoDB collection (e.g. `db.collection('personal_data_keys')`) or anything alike. */
  constructor(
    private readonly keys: VaultKeyStore,
    masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('the personal-data master key must be 32 bytes');
    this.masterKey = Buffer.from(masterKey);
  }

  /** Seals `value` for `subjectId`, creating the subject's key on first use. */
  async seal(subjectId: string, value: string): Promise<string> {
    const key = (await this.dataKey(subjectId)) ?? (await this.createKey(subjectId));
    return encrypt(key, Buffer.from(value, 'utf8'), subjectId);
  }

  /** The value, or null when the subject was erased (or never had a key); throws when tampered with. */
  async open(subjectId: string, sealed: string): Promise<string | null> {
    const key = await this.dataKey(subjectId);
    return key ? decrypt(key, sealed, subjectId, subjectId).toString('utf8') : null;
  }

  /** Deletes the subject's key: everything sealed for it is unreadable from now on. Idempotent. */
  async erase(subjectId: string): Promise<void> {
    await this.keys.deleteOne({ _id: keyId(subjectId) });
  }

  private async dataKey(subjectId: string): Promise<Buffer | null> {
    const doc = await this.keys.findOne({ _id: keyId(subjectId) });
    const wrapped = doc?.['wrapped'];
    return typeof wrapped === 'string' ? decrypt(this.masterKey, wrapped, `key:${subjectId}`, subjectId) : null;
  }

  private async createKey(subjectId: string): Promise<Buffer> {
    const key = randomBytes(32);
    try {
      await this.keys.insertOne({
        _id: keyId(subjectId),
        wrapped: encrypt(this.masterKey, key, `key:${subjectId}`),
        createdAt: new Date(),
      });
      return key;
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
      const winner = await this.dataKey(subjectId); // another writer created it first
      if (!winner) throw e;
      return winner;
    }
  }
}
