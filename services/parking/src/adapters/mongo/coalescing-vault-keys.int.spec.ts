// The vault on the coalescing key store, against the real database: concurrent seals of new
// vehicles write their keys together, a key that exists already is found (not overwritten), and
// an erasure still makes a sealed plate unreadable at once.
import { randomBytes } from 'node:crypto';
import { PersonalDataVault } from '@yiwang/kernel-mongodb';
import { testDatabase } from '@yiwang/testing';
import { CoalescingVaultKeys } from './coalescing-vault-keys';

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(async () => {
  await t.close();
});

it('seals many new subjects at once, keeps an existing key, and erases', async () => {
  const master = randomBytes(32);
  const vault = new PersonalDataVault(new CoalescingVaultKeys(t.db), master);
  const earlier = await vault.seal('vehicle-old', '豫H00001');

  const subjects = [...Array.from({ length: 20 }, (_, i) => `vehicle-${i}`), 'vehicle-old', 'vehicle-old'];
  const sealed = await Promise.all(subjects.map((s, i) => vault.seal(s, `豫H1${String(i).padStart(4, '0')}`)));

  expect(await t.db.collection('personal_data_keys').countDocuments()).toBe(21);
  for (const [i, s] of subjects.entries()) expect(await vault.open(s, sealed[i]!)).toBe(`豫H1${String(i).padStart(4, '0')}`);
  expect(await vault.open('vehicle-old', earlier)).toBe('豫H00001'); // the old key was kept, not replaced

  await vault.erase('vehicle-3');
  expect(await vault.open('vehicle-3', sealed[3]!)).toBeNull();
  // Another vault process (a replica) sees the same keys.
  expect(await new PersonalDataVault(new CoalescingVaultKeys(t.db), master).open('vehicle-7', sealed[7]!)).toBe('豫H10007');
});

it('a key created by another writer between lookup and insert is read back, not an error', async () => {
  const master = randomBytes(32);
  const a = new PersonalDataVault(new CoalescingVaultKeys(t.db, 'race_keys'), master);
  const b = new PersonalDataVault(new CoalescingVaultKeys(t.db, 'race_keys'), master);
  const both = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).seal('vehicle-race', `v${i}`)));
  for (const [i, s] of both.entries()) expect(await a.open('vehicle-race', s)).toBe(`v${i}`);
  expect(await t.db.collection('race_keys').countDocuments()).toBe(1);
});
