// The deadline scan under its lease: items are acted on in order, and a replica whose term was
// taken over in the middle of a scan issues no further command (the new holder acts on the rest).
import { LeaseLostError, type Lease } from '@yiwang/kernel-core';
import { DeadlineScan, type DueItem } from './deadline-scan';

/** A lease held until `takeOver()`; `verify` answers like a store that saw a later term. */
class TakeableLease implements Lease {
  readonly name = 'deadlines:test';
  readonly owner = 'replica-a';
  readonly ttl = 60_000;
  private held = true;
  get term(): number | null {
    return this.held ? 1 : null;
  }
  takeOver(): void {
    this.held = false;
  }
  async tryAcquire(): Promise<boolean> {
    return this.held;
  }
  async release(): Promise<void> {
    this.held = false;
  }
  async verify(): Promise<boolean> {
    return this.held;
  }
}

const clock = { now: () => new Date('2026-12-02T09:00:00+08:00') };
const until = async (check: () => boolean): Promise<void> => {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('DeadlineScan', () => {
  it('acts on every due item while it holds the lease', async () => {
    const acted: number[] = [];
    const items: Array<DueItem & { n: number }> = [1, 2, 3].map((n) => ({ n, dueMs: n }));
    const scan = new DeadlineScan({
      lease: new TakeableLease(),
      clock,
      intervalMs: 10,
      due: async () => items,
      act: async (item) => (acted.push(item.n), 'acted'),
    });
    scan.start();
    try {
      await until(() => acted.length >= 3);
      expect(acted.slice(0, 3)).toEqual([1, 2, 3]);
    } finally {
      await scan.stop();
    }
  });

  it('issues no command after its term was taken over in the middle of a scan', async () => {
    const lease = new TakeableLease();
    const acted: number[] = [];
    const errors: unknown[] = [];
    const items: Array<DueItem & { n: number }> = [1, 2, 3, 4, 5].map((n) => ({ n, dueMs: n }));
    const scan = new DeadlineScan({
      lease,
      clock,
      intervalMs: 10,
      due: async () => items,
      act: async (item) => {
        acted.push(item.n);
        if (item.n === 2) lease.takeOver(); // another replica takes the next term while item 2 is handled
        return 'acted';
      },
      onError: (e) => errors.push(e),
    });
    scan.start();
    try {
      await until(() => errors.length > 0);
      expect(acted).toEqual([1, 2]);
      expect(errors[0]).toBeInstanceOf(LeaseLostError);
    } finally {
      await scan.stop();
    }
  });
});
