import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import {
  addTally,
  caseIdOfStream,
  emptyTally,
  evolveCase,
  initialCaseState,
  nextDeadline,
  periodsOf,
  tallyDelta,
  toMillis,
  type CaseState,
  type EnforcementCase,
  type EnforcementEvent,
  type IndicatorDoc,
  type Tally,
  type TallyRow,
} from '../../domain';
import { ENFORCEMENT_EVENT_TYPES } from '../../adapters/kafka/enforcement-event-codec';

/** One entry of the whole record (Art 47), kept with the case so GetCase reads one document. */
export type HistoryEntry = Readonly<{ version: number; type: string; occurredAt: string; actor: { subject: string; department?: string } }>;
/** Per case: its state (the aggregate's own fold), its version and its record. */
export type CaseDoc = { state: CaseState; version: number; history: HistoryEntry[] };
/** The case's earliest running, unmarked deadline: what the shared DeadlineScan reads. */
export type DeadlineDoc = { caseId: string; squadId: string; kind: string; deadline: string; dueMs: number };
/** A published decision (双公示) as the public sees it; `withdrawnAt` set when withdrawn (Art 48). */
export type PublicEntry = {
  caseId: string;
  district: string;
  squadId: string;
  publicName: string;
  publicId: string;
  cause: string;
  penaltySummary: string;
  decidedAt: string;
  publishedAt: string;
  onTime: boolean;
  withdrawnAt: string | null;
};
/** The public list of one month of publication, read by `_id` (`2025-03`). */
export type PublicListDoc = { entries: PublicEntry[] };

export const MODELS = {
  cases: 'cases',
  deadlines: 'deadlines',
  publications: 'publications',
  publicLists: 'public_lists',
  indicators: 'indicators',
} as const;

const month = (instant: string): string => new Date(toMillis(instant) + 8 * 3_600_000).toISOString().slice(0, 7);

async function applyToCase(e: LoggedEvent | RecordedEvent, models: ReadModels): Promise<CaseDoc | null> {
  const caseId = caseIdOfStream(e.streamId);
  const event = { type: e.type, data: e.data } as EnforcementEvent;
  const cases = models.model<CaseDoc>(MODELS.cases);
  const entry: HistoryEntry = {
    version: e.streamVersion,
    type: e.type,
    occurredAt: e.occurredAt.toISOString(),
    actor: { subject: e.actor.subject, ...(e.actor.department ? { department: e.actor.department } : {}) },
  };
  await cases.upsert(caseId, e, (cur) => ({
    state: evolveCase(cur?.state ?? initialCaseState(), event),
    version: e.streamVersion,
    history: [...(cur?.history ?? []), entry],
  }));
  const doc = await cases.get(caseId);
  const state = doc?.state;
  if (!doc || !state || state.status === 'none') return null;
  await models.model<DeadlineDoc>(MODELS.deadlines).upsert(caseId, e, () => {
    const next = nextDeadline(state);
    return next ? { caseId, squadId: state.squadId, kind: next.kind, deadline: next.deadline, dueMs: toMillis(next.deadline) } : null;
  });
  if (
    event.type === 'enforcement.case.decision_published.v1' ||
    event.type === 'enforcement.case.publication_withdrawn.v1' ||
    event.type === 'enforcement.case.personal_data_erased.v1'
  ) {
    await models.model<PublicEntry>(MODELS.publications).upsert(caseId, e, (cur) => publicEntry(event, cur, state));
  }
  return doc;
}

function publicEntry(event: EnforcementEvent, cur: PublicEntry | null, state: Exclude<CaseState, { status: 'none' }>): PublicEntry | null {
  if (event.type === 'enforcement.case.decision_published.v1') {
    const d = event.data;
    return {
      caseId: d.caseId,
      district: state.district,
      squadId: state.squadId,
      publicName: d.publicName,
      publicId: d.publicId,
      cause: d.cause,
      penaltySummary: d.penaltySummary,
      decidedAt: state.decision?.decidedAt ?? '',
      publishedAt: d.publishedAt,
      onTime: d.onTime,
      withdrawnAt: null,
    };
  }
  if (!cur) return null;
  if (event.type === 'enforcement.case.publication_withdrawn.v1') return { ...cur, withdrawnAt: event.data.at };
  return { ...cur, publicName: '(已删除)', publicId: '' };
}

/**
 * The squad and district tables of the event's month and week: fed by every stream, so guarded by
 * log position (the batch buffer writes each table once per batch).
 */
async function applyToIndicators(e: LoggedEvent, state: EnforcementCase, models: ReadModels): Promise<void> {
  const counted = tallyDelta({ type: e.type, data: e.data } as EnforcementEvent, state);
  if (!counted) return;
  const { at, delta } = counted;
  const { month, week } = periodsOf(at);
  const tables = models.model<IndicatorDoc>(MODELS.indicators);
  const add = (rows: TallyRow[], key: string): TallyRow[] => {
    const old: Tally = rows.find((r) => r.key === key) ?? emptyTally();
    return [...rows.filter((r) => r.key !== key), { ...addTally(old, delta), key }];
  };
  for (const period of [month, week]) {
    await tables.upsert(period, { position: e.position }, (cur) => ({
      period,
      squad: add(cur?.squad ?? [], state.squadId),
      district: add(cur?.district ?? [], state.district),
    }));
  }
}

/** The month lists, fed by many streams: guarded by log position, written once per batch. */
async function applyToLists(events: readonly LoggedEvent[], models: ReadModels): Promise<void> {
  const touched = new Map<string, Map<string, PublicEntry | null>>();
  for (const e of events) {
    if (
      ![
        'enforcement.case.decision_published.v1',
        'enforcement.case.publication_withdrawn.v1',
        'enforcement.case.personal_data_erased.v1',
      ].includes(e.type)
    )
      continue;
    const entry = await models.model<PublicEntry>(MODELS.publications).get(caseIdOfStream(e.streamId));
    if (!entry) continue;
    const key = month(entry.publishedAt);
    const changes = touched.get(key) ?? new Map<string, PublicEntry | null>();
    changes.set(entry.caseId, entry.withdrawnAt ? null : entry);
    touched.set(key, changes);
  }
  const position = events[events.length - 1]!.position;
  for (const [key, changes] of touched) {
    await models.model<PublicListDoc>(MODELS.publicLists).upsert(key, { position }, (cur) => {
      const kept = (cur?.entries ?? []).filter((x) => !changes.has(x.caseId));
      return { entries: [...kept, ...[...changes.values()].filter((x): x is PublicEntry => x !== null)] };
    });
  }
}

/**
 * The case document (state + record), the deadline table of the shared scan, the public
 * publication list and the squad/district indicator tables, from the case events. A replay from 0 into a fresh generation converges:
 * case and deadline documents are guarded by stream version, the month lists by log position.
 */
export const caseViewProjection: Projection = {
  name: 'enforcement_cases',
  handles: ENFORCEMENT_EVENT_TYPES,
  async apply(e: LoggedEvent | RecordedEvent, models: ReadModels): Promise<void> {
    const doc = await applyToCase(e, models);
    if (e.position === null) return;
    if (doc && doc.state.status !== 'none') await applyToIndicators(e as LoggedEvent, doc.state, models);
    await applyToLists([e as LoggedEvent], models);
  },
  async applyBatch(events: readonly LoggedEvent[], models: ReadModels): Promise<void> {
    for (const e of events) {
      const doc = await applyToCase(e, models);
      if (doc && doc.state.status !== 'none') await applyToIndicators(e, doc.state, models);
    }
    await applyToLists(events, models);
  },
};
