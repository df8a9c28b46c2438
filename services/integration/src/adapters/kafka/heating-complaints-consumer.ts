import { caseIdForReport } from '@yiwang/contracts';
import type { LoggedEvent } from '@yiwang/kernel-core';
import { EventConsumer, type EventConsumerOptions, type MessageBroker } from '@yiwang/kernel-kafka';
import { MongoInbox } from '@yiwang/kernel-mongodb';
import { COMPLAINT_EVENT_TYPES, heatingEventCodec } from '@yiwang/heating';
import type { Db } from 'mongodb';
import type { SyncService } from '../../application/sync-service';

/**
 * Heating's complaint events → the centre's case view. Only complaints that came from a report
 * (heating names them by the report's case id, the id the centre got back for its order) can be
 * the centre's; complaints heating opened itself (monitoring findings, the supervision office)
 * never reach the link, so integration keeps no stream for them.
 */
const REPORT_CASE_PREFIX = caseIdForReport('R').slice(0, -1);

export function fromReport(complaintId: string): boolean {
  return complaintId.startsWith(REPORT_CASE_PREFIX);
}

export function heatingComplaintsConsumer(deps: {
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
    // Made in the background as heating's relay would make it, so integration serves while the broker is away.
    createMissingTopics: { partitions: 6 },
    types: COMPLAINT_EVENT_TYPES,
    codec: heatingEventCodec(),
    handler: async (event: LoggedEvent) => {
      const id = (event.data as { complaintId?: unknown } | null)?.complaintId;
      if (typeof id === 'string' && fromReport(id)) await deps.sync.observe(event);
    },
    consumer: {
      sessionTimeoutMs: deps.sessionTimeoutMs,
      heartbeatIntervalMs: Math.min(3_000, Math.floor(deps.sessionTimeoutMs / 6)),
      partitionsConcurrently: deps.partitionsConcurrently,
    },
    onError: deps.onError,
  });
}
