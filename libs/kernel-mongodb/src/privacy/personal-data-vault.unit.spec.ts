import { randomBytes } from 'node:crypto';
import { isSealed, parseMasterKey, PersonalDataVault, SealedDataTamperedError, type VaultKeyStore } from './personal-data-vault';

/** The vault's key documents in memory (the int tests of intake use the real database). */
function memoryKeys(): VaultKeyStore & { docs: Map<string, Record<string, unknown>> } {
  const docs = new Map<string, Record<string, unknown>>();
  return {
    docs,
    findOne: async ({ _id }) => docs.get(_id) ?? null,
    insertOne: async (doc) => {
      if (docs.has(doc._id)) throw Object.assign(new Error('duplicate key'), { code: 11000 });
      docs.set(doc._id, doc);
    },
    deleteOne: async ({ _id }) => docs.delete(_id),
  };
}

describe('PersonalDataVault', () => {
  const master = randomBytes(32);

  it('seals and opens a value per subject; the ciphertext hides it', async () => {
    const vault = new PersonalDataVault(memoryKeys(), master);
    const sealed = await vault.seal('R-1', '13800000000');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('13800000000');
    expect(await vault.open('R-1', sealed)).toBe('13800000000');
    expect(await vault.open('R-1', await vault.seal('R-1', '张先生'))).toBe('张先生');
    expect(await vault.seal('R-1', 'x')).not.toBe(await vault.seal('R-1', 'x')); // fresh IVs
  });

  it('erase → open gives null, for every value of the subject, and only for it', async () => {
    const keys = memoryKeys();
    const vault = new PersonalDataVault(keys, master);
    const a = await vault.seal('R-1', 'a');
    const b = await vault.seal('R-2', 'b');
    await vault.erase('R-1');
    await vault.erase('R-1'); // idempotent
    expect(await vault.open('R-1', a)).toBeNull();
    expect(await vault.open('R-2', b)).toBe('b');
    expect(keys.docs.size).toBe(1);
  });

  it('tampered ciphertexts, values moved to another subject, wrong master keys: an error', async () => {
    const keys = memoryKeys();
    const vault = new PersonalDataVault(keys, master);
    const sealed = await vault.seal('R-1', '13800000000');
    await vault.seal('R-2', 'other');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const flipped = [parts[0], parts[1], body.toString('base64url'), parts[3]].join('.');
    await expect(vault.open('R-1', flipped)).rejects.toBeInstanceOf(SealedDataTamperedError);
    await expect(vault.open('R-1', 'not sealed')).rejects.toBeInstanceOf(SealedDataTamperedError);
    await expect(vault.open('R-2', sealed)).rejects.toBeInstanceOf(SealedDataTamperedError);
    await expect(new PersonalDataVault(keys, randomBytes(32)).open('R-1', sealed)).rejects.toBeInstanceOf(SealedDataTamperedError);
  });

  it('a new subject costs one insert and no read; a subject known to have a key, one read', async () => {
    const keys = memoryKeys();
    const calls: string[] = [];
    const counted: VaultKeyStore = {
      findOne: (f) => (calls.push('find'), keys.findOne(f)),
      insertOne: (d) => (calls.push('insert'), keys.insertOne(d)),
      deleteOne: (f) => (calls.push('delete'), keys.deleteOne(f)),
    };
    const vault = new PersonalDataVault(counted, master);
    const first = await vault.seal('P-1', 'A12345');
    expect(calls).toEqual(['insert']);
    calls.length = 0;
    await vault.seal('P-1', 'again');
    expect(calls).toEqual(['find']);
    // Another process's vault finds the key by its duplicate, then reads first for that subject.
    const other = new PersonalDataVault(counted, master);
    calls.length = 0;
    const second = await other.seal('P-1', 'B');
    expect(calls).toEqual(['insert', 'find']);
    expect([await vault.open('P-1', first), await vault.open('P-1', second)]).toEqual(['A12345', 'B']);
    // After an erasure elsewhere a seal makes a new key; what was sealed before stays unreadable.
    await other.erase('P-1');
    const third = await vault.seal('P-1', 'C');
    await expect(vault.open('P-1', first)).rejects.toBeInstanceOf(SealedDataTamperedError);
    expect(await other.open('P-1', third)).toBe('C');
  });

  it('a lost race for the first key uses the winner key; master keys must be 32 bytes', async () => {
    const keys = memoryKeys();
    const one = new PersonalDataVault(keys, master);
    const [x, y] = await Promise.all([one.seal('R-9', 'x'), one.seal('R-9', 'y')]);
    expect([await one.open('R-9', x), await one.open('R-9', y)]).toEqual(['x', 'y']);
    expect(() => new PersonalDataVault(keys, randomBytes(16))).toThrow(/32 bytes/);
    expect(parseMasterKey(master.toString('base64'))).toEqual(master);
    expect(() => parseMasterKey('c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
