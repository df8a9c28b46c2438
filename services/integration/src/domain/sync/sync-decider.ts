import { assertNever, IllegalStateError, type Decider } from '@yiwang/kernel-core';
import { type CaseChange, type CaseView, type CentreState } from '../case-view/case-view';
import { applyCentreChange } from '../case-view/enforcement-case-view';
import { SYNC_EVENT_TYPES, type CaseLink, type CaseUpdate, type SyncEvent } from './sync-events';

/**
 * The centre link of one case (stream `sync-<caseId>`): which case events reached us, which were
 * queued for the centre, which the centre acknowledged. Commands carry time and ids; decide is pure.
 */
export type SyncCommand =
  | Readonly<{
      type: 'ObserveCaseEvent';
      data: Readonly<{
        caseId: string;
        eventId: string;
        sequence: number;
        change: CaseChange;
        occurredAt: string;
        at: string;
        subscribed: boolean;
      }>;
    }>
  | Readonly<{ type: 'LinkCase'; data: Omit<CaseLink, 'source'> }>
  | Readonly<{ type: 'AcknowledgeUpdates'; data: Readonly<{ eventIds: readonly string[]; at: string }> }>
  | Readonly<{
      type: 'RepairCentreCopy';
      data: Readonly<{
        eventId: string;
        reason: string;
        centre: Readonly<{ state: CentreState | null; sequence: number; unitId: string | null }>;
        at: string;
      }>;
    }>;

export interface SyncState {
  readonly link: CaseLink | null;
  readonly view: CaseView | null;
  /** Sequence of the last case event seen (0: none). */
  readonly lastSequence: number;
  /** Updates seen before a link; released in order when the link comes. */
  readonly held: readonly CaseUpdate[];
  /** The newest update queued (change or repair): what the centre should have. */
  readonly latest: CaseUpdate | null;
  /** Queued, not yet acknowledged. */
  readonly unacknowledged: ReadonlyArray<Readonly<{ eventId: string; sequence: number }>>;
  readonly acknowledgedSequence: number;
}

export const initialSyncState = (): SyncState => ({
  link: null,
  view: null,
  lastSequence: 0,
  held: [],
  latest: null,
  unacknowledged: [],
  acknowledgedSequence: 0,
});

function updateOf(view: CaseView, c: Extract<SyncCommand, { type: 'ObserveCaseEvent' }>['data'], link: CaseLink | null): CaseUpdate {
  return {
    eventId: c.eventId,
    caseId: c.caseId,
    sequence: c.sequence,
    state: view.state,
    unitId: view.unitId,
    deadline: view.deadline,
    result: view.result,
    occurredAt: c.occurredAt,
    queuedAt: c.at,
    eventType: c.change.type,
    kind: 'change',
    overdue: view.overdue,
    category: view.category,
    externalId: link?.externalId ?? null,
    reportId: view.reportId,
  };
}

export function decideSync(command: SyncCommand, state: SyncState): SyncEvent[] {
  switch (command.type) {
    case 'ObserveCaseEvent': {
      const c = command.data;
      // A redelivered event (Kafka is at least once): already folded in.
      if (c.sequence <= state.lastSequence) return [];
      const view = applyCentreChange(state.view, c.change);
      // Integration started after the case was opened: nothing sensible to tell the centre.
      if (view === null) return [];
      const events: SyncEvent[] = [];
      let link = state.link;
      if (!link && c.subscribed) {
        link = {
          caseId: c.caseId,
          reportId: view.reportId,
          externalId: null,
          source: 'subscription',
          centreDeadline: null,
          centreCategory: null,
          linkedAt: c.at,
        };
        events.push({ type: SYNC_EVENT_TYPES.linked, data: link });
        for (const held of state.held) events.push({ type: SYNC_EVENT_TYPES.queued, data: { update: { ...held, queuedAt: c.at } } });
      }
      const update = updateOf(view, c, link);
      events.push(link ? { type: SYNC_EVENT_TYPES.queued, data: { update } } : { type: SYNC_EVENT_TYPES.observed, data: { update } });
      return events;
    }
    case 'LinkCase': {
      if (state.link?.source === 'work_order') return []; // the centre resent its order
      const link: CaseLink = { ...command.data, source: 'work_order' };
      const events: SyncEvent[] = [{ type: SYNC_EVENT_TYPES.linked, data: link }];
      // Updates seen before the order was linked go out now, in order, carrying the external id.
      for (const held of state.held)
        events.push({
          type: SYNC_EVENT_TYPES.queued,
          data: { update: { ...held, externalId: link.externalId, queuedAt: command.data.linkedAt } },
        });
      return events;
    }
    case 'AcknowledgeUpdates': {
      const ids = new Set(command.data.eventIds);
      const matched = state.unacknowledged.filter((u) => ids.has(u.eventId));
      if (matched.length === 0) return [];
      const caseId = state.link?.caseId ?? state.view?.caseId ?? '';
      const sequence = Math.max(state.acknowledgedSequence, ...matched.map((u) => u.sequence));
      return [
        {
          type: SYNC_EVENT_TYPES.acknowledged,
          data: { caseId, eventIds: matched.map((u) => u.eventId), sequence, acknowledgedAt: command.data.at },
        },
      ];
    }
    case 'RepairCentreCopy': {
      if (!state.link || !state.latest)
        throw new IllegalStateError('nothing to repair: the case is not linked to the centre or has no update yet', {
          caseId: state.view?.caseId,
        });
      const c = command.data;
      return [
        {
          type: SYNC_EVENT_TYPES.repairQueued,
          data: { update: { ...state.latest, eventId: c.eventId, kind: 'repair', queuedAt: c.at }, reason: c.reason, centre: c.centre },
        },
      ];
    }
    default:
      return assertNever(command, 'sync command');
  }
}

export function evolveSync(state: SyncState, event: SyncEvent): SyncState {
  switch (event.type) {
    case SYNC_EVENT_TYPES.linked:
      return { ...state, link: event.data, held: [] };
    case SYNC_EVENT_TYPES.observed:
      return {
        ...state,
        view: viewAfter(state, event.data.update),
        lastSequence: Math.max(state.lastSequence, event.data.update.sequence),
        held: [...state.held, event.data.update],
      };
    case SYNC_EVENT_TYPES.queued:
    case SYNC_EVENT_TYPES.repairQueued: {
      const u = event.data.update;
      return {
        ...state,
        view: u.kind === 'change' ? viewAfter(state, u) : state.view,
        lastSequence: Math.max(state.lastSequence, u.sequence),
        latest: u,
        unacknowledged: [...state.unacknowledged, { eventId: u.eventId, sequence: u.sequence }],
      };
    }
    case SYNC_EVENT_TYPES.acknowledged: {
      const ids = new Set(event.data.eventIds);
      return {
        ...state,
        unacknowledged: state.unacknowledged.filter((u) => !ids.has(u.eventId)),
        acknowledgedSequence: Math.max(state.acknowledgedSequence, event.data.sequence),
      };
    }
    default:
      return assertNever(event, 'sync event');
  }
}

/** The view as the update describes it (the update is the fold's result, so nothing is recomputed). */
function viewAfter(state: SyncState, u: CaseUpdate): CaseView {
  const signed = u.state === 'in_progress' || (u.state !== 'dispatched' && u.state !== 'registered' && (state.view?.signed ?? false));
  return {
    caseId: u.caseId,
    reportId: u.reportId,
    category: u.category,
    state: u.state,
    unitId: u.unitId,
    deadline: u.deadline,
    result: u.result,
    overdue: u.overdue,
    signed,
  };
}

export const syncDecider: Decider<SyncCommand, SyncEvent, SyncState> = {
  initialState: initialSyncState,
  decide: decideSync,
  evolve: evolveSync,
};
