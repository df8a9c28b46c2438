import { CommandHandler, uuidv7, type Actor, type EventStore, type LoggedEvent, type RecordedEvent } from '@yiwang/kernel-core';
import type { MongoSnapshotStore } from '@yiwang/kernel-mongodb';
import {
  SYNC_EVENT_TYPES,
  syncDecider,
  syncStreamId,
  type CaseLink,
  type CentreState,
  type SyncCommand,
  type SyncEvent,
  type SyncState,
} from '../domain';
import type { Clock } from '@yiwang/kernel-core';

const SYNC_TYPES = new Set<string>(Object.values(SYNC_EVENT_TYPES));
const ACTOR: Actor = { subject: 'integration', department: 'system.integration', roles: ['system'] };

/** Which cases the centre follows beyond its own work orders: category code prefixes, or `*`. */
export class Subscriptions {
  constructor(private readonly prefixes: readonly string[]) {}
  covers(category: string): boolean {
    return this.prefixes.some((p) => p === '*' || category.startsWith(p));
  }
}

/**
 * The per-case centre link streams (`sync-<caseId>`): every command goes through the kernel's
 * command handler (load → pure decide → append, retried on a lost race), idempotent by command id.
 */
export class SyncService {
  readonly handler: CommandHandler<SyncCommand, SyncEvent, SyncState>;

  constructor(
    store: EventStore,
    private readonly clock: Clock,
    private readonly subscriptions: Subscriptions,
    snapshots?: MongoSnapshotStore,
  ) {
    this.handler = new CommandHandler(
      store,
      syncDecider,
      {
        fromRecorded: (e: RecordedEvent) => (SYNC_TYPES.has(e.type) ? ({ type: e.type, data: e.data } as SyncEvent) : null),
        toNew: (e) => ({ type: e.type, data: e.data }),
      },
      {
        maxRetries: 10,
        // A case's link stream grows by two events per change (queued, acknowledged) and every command
        // loads it; loading walks the commit chain one lookup per commit, so snapshot every few events.
        ...(snapshots ? { snapshots: { store: snapshots, every: 4, schema: 1 } } : {}),
      },
    );
  }

  /**
   * A dispatch case event from Kafka. A redelivery appends nothing: the consumer's inbox skips it,
   * and the decider ignores a sequence it has seen (so no command-id record is needed: two fewer
   * database round trips per event).
   */
  async observe(event: LoggedEvent): Promise<void> {
    const data = (event.data ?? {}) as Record<string, unknown>;
    // Dispatch's events name the case; a heating complaint from a report is named by the report's case id.
    const named = [data.caseId, data.complaintId].find((v): v is string => typeof v === 'string' && v !== '');
    const caseId = named ?? event.streamId.replace(/^case-/, '');
    const subscribed = event.type === 'dispatch.case.opened.v1' && this.subscriptions.covers(String(data.category ?? ''));
    await this.handler.handle(
      syncStreamId(caseId),
      {
        type: 'ObserveCaseEvent',
        data: {
          caseId,
          eventId: event.id,
          sequence: event.streamVersion,
          change: { type: event.type, data },
          occurredAt: event.occurredAt.toISOString(),
          at: this.clock.now().toISOString(),
          subscribed,
        },
      },
      { metadata: { actor: ACTOR, correlationId: event.correlationId, causationId: event.id } },
    );
  }

  async link(link: Omit<CaseLink, 'source' | 'linkedAt'>, correlationId?: string): Promise<void> {
    await this.handler.handle(
      syncStreamId(link.caseId),
      { type: 'LinkCase', data: { ...link, linkedAt: this.clock.now().toISOString() } },
      { commandId: `link:${link.externalId ?? link.reportId}`, metadata: { actor: ACTOR, ...(correlationId ? { correlationId } : {}) } },
    );
  }

  async acknowledge(caseId: string, eventIds: readonly string[]): Promise<void> {
    await this.handler.handle(
      syncStreamId(caseId),
      { type: 'AcknowledgeUpdates', data: { eventIds, at: this.clock.now().toISOString() } },
      { metadata: { actor: ACTOR } },
    );
  }

  /** Queues the latest state again as a repair; returns the repair's event id. */
  async repair(
    caseId: string,
    reason: string,
    centre: { state: CentreState | null; sequence: number; unitId: string | null },
  ): Promise<string> {
    const eventId = uuidv7();
    await this.handler.handle(
      syncStreamId(caseId),
      { type: 'RepairCentreCopy', data: { eventId, reason, centre, at: this.clock.now().toISOString() } },
      { metadata: { actor: ACTOR } },
    );
    return eventId;
  }

  async state(caseId: string): Promise<{ state: SyncState; version: number }> {
    return this.handler.load(syncStreamId(caseId));
  }
}
