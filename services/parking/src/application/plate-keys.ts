import { createHmac } from 'node:crypto';
import { ValidationError } from '@yiwang/kernel-core';

/**
 * The keyed hash of plates (HMAC-SHA-256): repeat offenders are found by it without a plate in
 * clear anywhere. Keys rotate: the first is used for new records, all are tried for lookups, and
 * the key id travels beside the hash so a record says which key made it.
 */
export class PlateKeys {
  private readonly keys: ReadonlyArray<{ id: string; key: Buffer }>;

  constructor(keys: ReadonlyArray<{ id: string; key: Buffer }>) {
    if (keys.length === 0) throw new Error('at least one plate hash key is needed');
    this.keys = keys;
  }

  /** `k2:<base64>,k1:<base64>` from configuration; none: one key derived from the master key. */
  static fromConfig(entries: readonly string[], masterKey: Buffer): PlateKeys {
    if (entries.length === 0)
      return new PlateKeys([{ id: 'm0', key: createHmac('sha256', masterKey).update('yiwang.parking.plate-hash.m0').digest() }]);
    return new PlateKeys(
      entries.map((entry) => {
        const [id, b64] = entry.split(':');
        const key = Buffer.from(b64 ?? '', 'base64');
        if (!id || !/^[A-Za-z0-9_-]{1,40}$/.test(id) || key.length < 16)
          throw new ValidationError('PLATE_HASH_KEYS entries are <id>:<base64 key of ≥ 16 bytes>', []);
        return { id, key };
      }),
    );
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  /** The hash of a plate (normal form) under the current key. */
  hash(plate: string): { plateHash: string; hashKeyId: string } {
    const k = this.keys[0]!;
    return { plateHash: createHmac('sha256', k.key).update(plate, 'utf8').digest('hex'), hashKeyId: k.id };
  }

  /** Its hash under every key, for lookups across a rotation. */
  allHashes(plate: string): readonly string[] {
    return this.keys.map((k) => createHmac('sha256', k.key).update(plate, 'utf8').digest('hex'));
  }
}

/** The vault subject of a vehicle: erasing it makes every sealed copy of its plate unreadable. */
export const vehicleSubject = (plateHash: string): string => `vehicle-${plateHash}`;
/** The vault subject of an obstruction's owner. */
export const ownerSubject = (obstructionId: string): string => `obstruction-owner-${obstructionId}`;

/** 豫H***45: enough for an officer to match a car, not enough to identify it elsewhere. */
export const maskPlate = (plate: string): string => (plate.length < 5 ? '***' : `${plate.slice(0, 2)}***${plate.slice(-2)}`);
