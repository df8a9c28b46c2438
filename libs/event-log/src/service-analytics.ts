import type { EventStore, LoggedEvent, Projection } from '@yiwang/kernel-core';
import type { EventCodec } from '@yiwang/kernel-kafka';

/**
 * What a service tells analysts' tools about its events, exported from its public module: where its
 * log is served, its topic, how to decode it, what to redact, which projections can be rebuilt.
 * Adding a service to the analysts' tool is registering one of these.
 */
export interface ServiceAnalytics {
  readonly name: string;
  /** The default gRPC port of its event log (yiwang.eventlog.v1). */
  readonly logPort: number;
  /** Its Kafka topic; null for a service whose events are not published. */
  readonly topic: string | null;
  /** Its database name by default (for rebuilds). */
  readonly database: string;
  readonly codec: () => EventCodec;
  /** Personal fields removed, for events read from Kafka (the log server redacts its own). */
  readonly redact: (event: LoggedEvent) => LoggedEvent;
  /**
   * Projections an analyst may rebuild into a fresh generation and compare: the service's own
   * definitions, so a rebuild runs exactly the code its live projector runs. `settings` carries
   * the few numbers a projection is configured with (e.g. intake's `duplicateWindowHours`).
   */
  readonly projections: (store: EventStore, settings: Readonly<Record<string, number>>) => readonly Projection[];
}
