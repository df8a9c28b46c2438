import { CircuitBreaker } from './circuit-breaker';

describe('circuit breaker (fake clock)', () => {
  it('opens after the threshold, lets one trial through after the open time, closes on success', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000 });
    let t = 0;
    for (let i = 0; i < 2; i++) {
      expect(b.tryPass(t)).toBe(true);
      b.recordFailure(t);
    }
    expect(b.state(t)).toBe('closed');
    b.recordFailure(t);
    expect(b.state(t)).toBe('open');
    expect(b.tryPass(t + 999)).toBe(false);
    expect(b.waitMs(t + 400)).toBe(600);
    t = 1_000;
    expect(b.state(t)).toBe('half_open');
    expect(b.tryPass(t)).toBe(true);
    expect(b.tryPass(t)).toBe(false); // one trial at a time
    b.recordSuccess();
    expect(b.state(t)).toBe('closed');
    expect(b.consecutiveFailures).toBe(0);
  });

  it('a failed trial opens it again for a full period', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 500 });
    b.recordFailure(0);
    expect(b.tryPass(500)).toBe(true);
    b.recordFailure(500);
    expect(b.state(999)).toBe('open');
    expect(b.state(1_000)).toBe('half_open');
  });
});
