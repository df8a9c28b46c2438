/**
 * Where the dispatch service gets "now" from. Everything that depends on time (command `at`,
 * deadlines, the overdue scan, the indicators' as-of) asks a Clock, so tests and the demo can run
 * a business day in seconds and a restart can be tested against a moved clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to. */
export class TestClock implements Clock {
  private ms: number;

  constructor(start: Date | string) {
    this.ms = new Date(start).getTime();
    if (Number.isNaN(this.ms)) throw new Error(`TestClock: not an instant: ${String(start)}`);
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }

  set(to: Date | string): Date {
    this.ms = new Date(to).getTime();
    return this.now();
  }
}
