import { Faults } from './faults';

describe('simulated centre faults', () => {
  it('is down for the given time, then up again', () => {
    let now = 1_000;
    const f = new Faults(
      { unavailableForMs: 500 },
      () => now,
      () => 0.99,
    );
    expect(f.failsNow()).toBe(true);
    now = 1_499;
    expect(f.failsNow()).toBe(true);
    now = 1_500;
    expect(f.failsNow()).toBe(false);
  });

  it('fails a share of calls at random', () => {
    const draws = [0.1, 0.9];
    const f = new Faults(
      { errorRate: 0.5 },
      () => 0,
      () => draws.shift() ?? 0.9,
    );
    expect([f.failsNow(), f.failsNow()]).toEqual([true, false]);
  });

  it('shuffles acknowledgements and drops some when told to', () => {
    const draws = [0.2, 0.8, 0.8, 0.8, 0.1, 0.6];
    const f = new Faults(
      {},
      () => 0,
      () => draws.shift() ?? 0.5,
    );
    expect(f.acknowledgements(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    f.change({ outOfOrderAcks: true, dropAckRate: 0.5 });
    const acks = f.acknowledgements(['a', 'b', 'c', 'd']);
    expect(acks).toHaveLength(3);
    expect([...acks].sort()).toEqual(['b', 'c', 'd']);
  });

  it('clamps settings to sane ranges', () => {
    const f = new Faults({ errorRate: 7, duplicateDeliveries: 0, delayMs: -5 });
    expect(f.current()).toMatchObject({ errorRate: 1, duplicateDeliveries: 1, delayMs: 0 });
  });
});
