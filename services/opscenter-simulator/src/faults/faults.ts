/**
 * What the simulated centre does wrong, changeable at run time (admin HTTP) and at start (env).
 * Every knob off means a well-behaved centre.
 */
export interface FaultSettings {
  /** Answer UNAVAILABLE to every call until this instant (ms since the epoch; 0: available). */
  readonly unavailableUntil: number;
  /** Extra latency of every call, in ms. */
  readonly delayMs: number;
  /** Share of calls (0..1) answered with UNAVAILABLE at random. */
  readonly errorRate: number;
  /** Each work order is sent this many times, concurrently (1: once). */
  readonly duplicateDeliveries: number;
  /** Acknowledge in shuffled order, and leave this share (0..1) of each batch unacknowledged. */
  readonly outOfOrderAcks: boolean;
  readonly dropAckRate: number;
}

export const NO_FAULTS: FaultSettings = {
  unavailableUntil: 0,
  delayMs: 0,
  errorRate: 0,
  duplicateDeliveries: 1,
  outOfOrderAcks: false,
  dropAckRate: 0,
};

/** A change as the admin API takes it: `unavailableForMs` is turned into an instant. */
export type FaultChange = Partial<Omit<FaultSettings, 'unavailableUntil'>> & { readonly unavailableForMs?: number };

export class Faults {
  private settings: FaultSettings;

  constructor(
    initial: FaultChange = {},
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.settings = NO_FAULTS;
    this.change(initial);
  }

  change(c: FaultChange): FaultSettings {
    const clamp = (v: number | undefined, lo: number, hi: number, fallback: number): number =>
      v === undefined || !Number.isFinite(v) ? fallback : Math.min(hi, Math.max(lo, v));
    const s = this.settings;
    this.settings = {
      unavailableUntil:
        c.unavailableForMs !== undefined ? (c.unavailableForMs > 0 ? this.now() + c.unavailableForMs : 0) : s.unavailableUntil,
      delayMs: clamp(c.delayMs, 0, 600_000, s.delayMs),
      errorRate: clamp(c.errorRate, 0, 1, s.errorRate),
      duplicateDeliveries: Math.round(clamp(c.duplicateDeliveries, 1, 10, s.duplicateDeliveries)),
      outOfOrderAcks: c.outOfOrderAcks ?? s.outOfOrderAcks,
      dropAckRate: clamp(c.dropAckRate, 0, 1, s.dropAckRate),
    };
    return this.current();
  }

  current(): FaultSettings {
    return { ...this.settings };
  }

  /** Whether this call fails as if the centre were down. */
  failsNow(): boolean {
    return this.now() < this.settings.unavailableUntil || (this.settings.errorRate > 0 && this.random() < this.settings.errorRate);
  }

  /** The acknowledgements to send for the ids the centre holds: maybe shuffled, maybe some left out. */
  acknowledgements(ids: readonly string[]): string[] {
    if (!this.settings.outOfOrderAcks) return [...ids];
    const kept = ids.filter(() => this.random() >= this.settings.dropAckRate);
    for (let i = kept.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [kept[i], kept[j]] = [kept[j]!, kept[i]!];
    }
    return kept;
  }
}
