import type { DomainEvent } from '@yiwang/kernel-core';
import { type CentreState } from '../case-view/case-view';

/**
 * One update as queued for the centre (mirrors proto `yiwang.opscenter.v1.CaseUpdate`). Kept in the
 * sync stream's events, so the outbound queue is the event store itself: durable by construction.
 */
export interface CaseUpdate {
  readonly eventId: string;
  readonly caseId: string;
  readonly sequence: number;
  readonly state: CentreState;
  readonly unitId: string | null;
  readonly deadline: string | null;
  readonly result: string;
  readonly occurredAt: string;
  readonly queuedAt: string;
  readonly eventType: string;
  readonly kind: 'change' | 'repair';
  readonly overdue: boolean;
  readonly category: string;
  readonly externalId: string | null;
  readonly reportId: string;
}

/** Why Yiwang pushes a case: the centre sent it, or the centre subscribes to its kind. */
export type LinkSource = 'work_order' | 'subscription';

export interface CaseLink {
  readonly caseId: string;
  readonly reportId: string;
  readonly externalId: string | null;
  readonly source: LinkSource;
  /** The centre's own deadline for its work order, when it set one. */
  readonly centreDeadline: string | null;
  readonly centreCategory: string | null;
  readonly linkedAt: string;
}

export const SYNC_EVENT_TYPES = {
  linked: 'integration.sync.linked.v1',
  observed: 'integration.sync.case_event_observed.v1',
  queued: 'integration.sync.update_queued.v1',
  acknowledged: 'integration.sync.acknowledged.v1',
  repairQueued: 'integration.sync.repair_queued.v1',
} as const;

/** The case is linked to the centre: its updates go out from now on. */
export type CaseLinked = DomainEvent<typeof SYNC_EVENT_TYPES.linked, CaseLink>;
/** A case event seen while the case was not linked: held, released if a link follows. */
export type CaseEventObserved = DomainEvent<typeof SYNC_EVENT_TYPES.observed, Readonly<{ update: CaseUpdate }>>;
/** An update waiting for the centre (the outbound queue's entries). */
export type UpdateQueued = DomainEvent<typeof SYNC_EVENT_TYPES.queued, Readonly<{ update: CaseUpdate }>>;
/** The centre acknowledged these updates. */
export type UpdatesAcknowledged = DomainEvent<
  typeof SYNC_EVENT_TYPES.acknowledged,
  Readonly<{ caseId: string; eventIds: readonly string[]; sequence: number; acknowledgedAt: string }>
>;
/** Reconciliation found the centre's copy drifted and queued the latest state again, as a repair. */
export type RepairQueued = DomainEvent<
  typeof SYNC_EVENT_TYPES.repairQueued,
  Readonly<{ update: CaseUpdate; reason: string; centre: Readonly<{ state: CentreState | null; sequence: number; unitId: string | null }> }>
>;

export type SyncEvent = CaseLinked | CaseEventObserved | UpdateQueued | UpdatesAcknowledged | RepairQueued;

export const syncStreamId = (caseId: string): string => `sync-${caseId}`;

/** Event types whose updates the pusher sends, in log order. */
export const OUTBOUND_TYPES: readonly string[] = [SYNC_EVENT_TYPES.queued, SYNC_EVENT_TYPES.repairQueued];
