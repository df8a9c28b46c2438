import type { LoggedEvent } from '@yiwang/kernel-core';
import { EventConsumer, type EventConsumerOptions, type MessageBroker } from '@yiwang/kernel-kafka';
import { MongoInbox } from '@yiwang/kernel-mongodb';
import { ENFORCEMENT_EVENT_TYPES, enforcementEventCodec } from '@yiwang/enforcement';
import type { Db } from 'mongodb';
import type { SyncService } from '../../application/sync-service';

type Source = { kind?: unknown; ref?: unknown };
const OPENING = new Set(['enforcement.case.source_registered.v1', 'enforcement.case.decided_on_the_spot.v1']);

/**
 * Enforcement's case events → the centre. An enforcement case is the centre's only when it came
 * from a closed-loop case the centre follows (its work order, or a subscribed category): its first
 * event names that dispatch case (`source.kind = dispatch_case`), whose link gives the report id
 * and the work order's external id, and the enforcement case is linked to the centre as a case of
 * its own (its own ordered sequence: the enforcement stream's versions). Its later events go to
 * the centre only once that link exists; every other enforcement case is skipped after one load by
 * `_id` of a sync stream that does not exist. Parties are never read: the fold takes only the
 * fields of `data/enforcement-centre-map.json`.
 */
export async function observeEnforcementEvent(sync: SyncService, event: LoggedEvent): Promise<'linked' | 'observed' | 'skipped'> {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const caseId = typeof data.caseId === 'string' && data.caseId !== '' ? data.caseId : event.streamId.replace(/^enforcement-/, '');
  if (OPENING.has(event.type)) {
    const source = (data.source ?? {}) as Source;
    if (source.kind !== 'dispatch_case' || typeof source.ref !== 'string' || source.ref === '') return 'skipped';
    const origin = (await sync.state(source.ref)).state;
    if (origin.link === null) return 'skipped';
    const first = { ...data, caseId, reportId: origin.link.reportId, unitId: origin.view?.unitId ?? '' };
    // Observed first (held while unlinked), then linked: the link releases it. A redelivery after
    // a crash in between observes nothing twice (its sequence is known) and links once (command id).
    await sync.observe({ ...event, data: first });
    await sync.link({
      caseId,
      reportId: origin.link.reportId,
      externalId: origin.link.externalId,
      centreDeadline: null,
      centreCategory: origin.link.centreCategory,
    });
    return 'linked';
  }
  const own = (await sync.state(caseId)).state;
  if (own.view === null) return 'skipped';
  await sync.observe({ ...event, data: { ...data, caseId } });
  return 'observed';
}

export function enforcementCasesConsumer(deps: {
  broker: MessageBroker;
  db: Db;
  group: string;
  topic: string;
  sync: SyncService;
  sessionTimeoutMs: number;
  partitionsConcurrently: number;
  onError: NonNullable<EventConsumerOptions['onError']>;
}): EventConsumer {
  return new EventConsumer({
    broker: deps.broker,
    inbox: new MongoInbox(deps.db),
    group: deps.group,
    topics: [deps.topic],
    // Made in the background as enforcement's relay would make it, so integration serves while the broker is away.
    createMissingTopics: { partitions: 6 },
    types: ENFORCEMENT_EVENT_TYPES,
    codec: enforcementEventCodec(),
    handler: async (event: LoggedEvent) => {
      await observeEnforcementEvent(deps.sync, event);
    },
    consumer: {
      sessionTimeoutMs: deps.sessionTimeoutMs,
      heartbeatIntervalMs: Math.min(3_000, Math.floor(deps.sessionTimeoutMs / 6)),
      partitionsConcurrently: deps.partitionsConcurrently,
    },
    onError: deps.onError,
  });
}
