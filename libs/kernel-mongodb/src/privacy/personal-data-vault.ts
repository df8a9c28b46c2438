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
 * no key is cached, so an erasure takes effect in every process at once.
 *
 * Sealing for a subject this process has not seen tries the insert first (most such subjects are
 * new: one write instead of a read and a write); a duplicate key then reads the existing key.
 * Subjects seen with a key are remembered by id only, to read first for them next time.
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

/** How many subject ids a vault remembers as having a key (a hint for which round trip goes first). */
const KNOWN_SUBJECTS = 10_000;

export class PersonalDataVault {
  private readonly masterKey: Buffer;
  /** Subjects seen with a key lately: read first for them. Never trusted for the key itself. */
  private readonly known = new Set<string>();

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
    const key = this.known.has(subjectId)
      ? ((await this.dataKey(subjectId)) ?? (await this.createKey(subjectId)))
      : await this.createKey(subjectId);
    return encrypt(key, Buffer.from(value, 'utf8'), subjectId);
  }

  /** The value, or null when the subject was erased (or never had a key); throws when tampered with. */
  async open(subjectId: string, sealed: string): Promise<string | null> {
    const key = await this.dataKey(subjectId);
    return key ? decrypt(key, sealed, subjectId, subjectId).toString('utf8') : null;
  }

  /** Deletes the subject's key: everything sealed for it is unreadable from now on. Idempotent. */
  async erase(subjectId: string): Promise<void> {
    this.known.delete(subjectId);
    await this.keys.deleteOne({ _id: keyId(subjectId) });
  }

  private async dataKey(subjectId: string): Promise<Buffer | null> {
    const doc = await this.keys.findOne({ _id: keyId(subjectId) });
    const wrapped = doc?.['wrapped'];
    if (typeof wrapped !== 'string') {
      this.known.delete(subjectId);
      return null;
    }
    const key = decrypt(this.masterKey, wrapped, `key:${subjectId}`, subjectId);
    this.remember(subjectId);
    return key;
  }

  /** Inserts a new key; when the subject has one already (duplicate key), that key. */
  private async createKey(subjectId: string): Promise<Buffer> {
    // Twice at most: a key erased between the duplicate and the read leaves room for a new one.
    for (let attempt = 0; ; attempt++) {
      const key = randomBytes(32);
      try {
        await this.keys.insertOne({
          _id: keyId(subjectId),
          wrapped: encrypt(this.masterKey, key, `key:${subjectId}`),
          createdAt: new Date(),
        });
        this.remember(subjectId);
        return key;
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        const existing = await this.dataKey(subjectId);
        if (existing) return existing;
        if (attempt >= 1) throw e;
      }
    }
  }

  private remember(subjectId: string): void {
    if (this.known.size >= KNOWN_SUBJECTS) this.known.clear();
    this.known.add(subjectId);
  }
}
