import type { EventStore, Projection } from '@yiwang/kernel-core';
import type { ServiceInfo } from '../services';

/**
 * The projections `rebuild` knows for a service: its own definitions, from its public module, so a
 * rebuild runs exactly the code the live projector runs. Keyed by the projection's name.
 */
export function projectionsOf(
  service: ServiceInfo,
  store: EventStore,
  settings: Readonly<Record<string, number>>,
): Map<string, Projection> {
  return new Map(service.projections(store, settings).map((p) => [p.name, p]));
}
