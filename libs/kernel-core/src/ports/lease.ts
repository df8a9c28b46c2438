/**
 * A named, expiring claim so that exactly one replica runs a singleton job (sequencer, relay,
 * projector, deadline scan, reconciliation). Terms increase on every take-over, so a writer can be
 * fenced by the term it holds.
 */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  /** Takes or renews the lease; true when this owner holds it afterwards. */
  tryAcquire(): Promise<boolean>;
  /** Ends our term early so a stand-by takes over without waiting for the expiry. */
  release(): Promise<void>;
  /** The term this process holds, for fencing writes (null when not holding). */
  readonly term: number | null;
  /** Time to live of one claim or renewal, in ms. */
  readonly ttl: number;
  /**
   * Fencing: true when this owner still holds its term right now — no later term was taken and
   * its own claim has not run out — by one read of the store. A writer asks before each write, so
   * one that lost its term mid-batch is refused instead of writing next to the new holder.
   * Optional for other lease stores; without it only the local expiry fences.
   */
  verify?(): Promise<boolean>;
}

/** A leased writer found, before a write, that its term was taken over or ran out. */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: string,
    readonly term: number | null,
  ) {
    super(`lease ${lease} (term ${term ?? '-'}) is no longer held: write refused`);
    this.name = 'LeaseLostError';
  }
}

/** Makes leases in one storage; adapters (relay, projector) take one so they stay storage-agnostic. */
export type LeaseFactory = (name: string, owner: string, options?: { readonly ttlMs?: number }) => Lease;
