import type { EventStore, Projection } from '@yiwang/kernel-core';
import { caseListsProjection } from '../../../../services/dispatch/src/application/projections/case-lists';
import { caseIndicatorsProjection } from '../../../../services/dispatch/src/application/projections/case-indicators';
import { reportsProjection } from '../../../../services/intake/src/application/projections/reports-projection';
import { reportIndexProjection } from '../../../../services/intake/src/application/projections/report-index-projection';

/**
 * The projections `rebuild` knows, per service: the services' own definitions, imported, so a
 * rebuild runs exactly the code the live projector runs. Keyed by the projection's name.
 */
export function projectionsOf(service: string, store: EventStore, options: { duplicateWindowHours: number }): Map<string, Projection> {
  const list: Projection[] =
    service === 'dispatch' ? [caseListsProjection, caseIndicatorsProjection(store)] : service === 'intake' ? [reportsProjection, reportIndexProjection(options.duplicateWindowHours)] : [];
  return new Map(list.map((p) => [p.name, p]));
}

/** The service's database by default, as its config names it. */
export const DEFAULT_DATABASES: Readonly<Record<string, string>> = { dispatch: 'yiwang_dispatch', intake: 'yiwang_intake' };
