import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import { DISPATCH_CASE_EVENT_TYPES } from '@yiwang/contracts';
import { evolveCase, initialCaseState, type CaseEvent, type CaseState } from '../../domain';
import { bucketOf, summarize, type CaseSummary } from './case-summary';

/** Every case event type (dispatch's published contract names exactly the domain's types; see case-event-codec). */
export const CASE_EVENT_TYPES: readonly CaseEvent['type'][] = DISPATCH_CASE_EVENT_TYPES;

/** One event of a case as `GetCase` shows it. */
export type HistoryEntry = Readonly<{
  version: number;
  type: string;
  occurredAt: string;
  actor: { subject: string; department?: string };
  data: unknown;
}>;

/**
 * Per case: its state (the aggregate's own fold), every list bucket it has been in, and what
 * `GetCase` answers from this one document: the history (a case has tens of events, so it stays
 * small) and every unit the case was ever dispatched to (who may read it). The projector writes it
 * once per log batch, however many of the case's events the batch holds.
 */
export type CaseDoc = { state: CaseState; version: number; buckets: string[]; history?: HistoryEntry[]; units?: string[] };
/** A list bucket: the compact summaries of its cases. */
export type BucketDoc = { cases: CaseSummary[] };
/** A case whose deadline runs: what the overdue scan reads (deleted when no deadline runs). */
export type DeadlineDoc = {
  caseId: string;
  unitId: string;
  deadline: string;
  dueMs: number;
  markedFor: string | null;
  supervisedFor: string | null;
};

export const MODELS = { cases: 'cases', buckets: 'buckets', deadlines: 'deadlines' } as const;

const MARKABLE = new Set(['dispatched', 'handling', 'return_requested', 'extension_requested', 'suspension_requested']);

export const caseIdOfStream = (streamId: string): string => streamId.replace(/^case-/, '');

function nextDeadline(state: CaseState, current: DeadlineDoc | null, event: CaseEvent): DeadlineDoc | null {
  if (!MARKABLE.has(state.status) || !('deadline' in state)) return null;
  const same = current !== null && current.deadline === state.deadline;
  let supervisedFor = same ? current.supervisedFor : null;
  // A supervision after the deadline passed is the follow-up the overdue scan owes.
  if (event.type === 'dispatch.case.supervised.v1' && Date.parse(event.data.supervisedAt) >= Date.parse(state.deadline))
    supervisedFor = state.deadline;
  return {
    caseId: state.caseId,
    unitId: state.unitId,
    deadline: state.deadline,
    dueMs: Date.parse(state.deadline),
    markedFor: state.overdueMarkedFor,
    supervisedFor,
  };
}

const historyEntry = (e: LoggedEvent | RecordedEvent): HistoryEntry => ({
  version: e.streamVersion,
  type: e.type,
  occurredAt: e.occurredAt.toISOString(),
  actor: e.actor,
  data: e.data,
});

/** The case document and the deadline table for one event (both guarded by stream version). */
async function applyToCase(e: LoggedEvent | RecordedEvent, models: ReadModels): Promise<CaseDoc | null> {
  const caseId = caseIdOfStream(e.streamId);
  const event = { type: e.type, data: e.data } as CaseEvent;
  const cases = models.model<CaseDoc>(MODELS.cases);
  await cases.upsert(caseId, e, (cur) => {
    const state = evolveCase(cur?.state ?? initialCaseState(), event);
    const buckets = cur?.buckets ?? [];
    const bucket = state.status === 'none' ? null : bucketOf(summarize(state, e.streamVersion));
    const next: CaseDoc = {
      state,
      version: e.streamVersion,
      buckets: bucket && !buckets.includes(bucket) ? [...buckets, bucket] : buckets,
    };
    // A document written before it kept its history stays without one (the query reads the stream
    // then) rather than holding a partial history; a rebuild fills it.
    if (cur && !cur.history) return next;
    const units = cur?.units ?? [];
    const unit = event.type === 'dispatch.case.dispatched.v1' ? (event.data.unitId as string) : null;
    return {
      ...next,
      history: [...(cur?.history ?? []), historyEntry(e)],
      units: unit && !units.includes(unit) ? [...units, unit] : units,
    };
  });
  const doc = await cases.get(caseId);
  if (!doc || doc.state.status === 'none') return null;
  await models.model<DeadlineDoc>(MODELS.deadlines).upsert(caseId, e, (cur) => nextDeadline(doc.state, cur, event));
  return doc;
}

/**
 * Every bucket a case was ever in loses it, except its current one, which holds its summary. The
 * buckets are guarded by log position, so only the projector's log pass writes them; a batch
 * writes each touched bucket once.
 */
async function applyToBuckets(docs: ReadonlyMap<string, CaseDoc>, position: number, models: ReadModels): Promise<void> {
  const changes = new Map<string, { remove: Set<string>; add: CaseSummary[] }>();
  for (const [caseId, doc] of docs) {
    const state = doc.state;
    if (state.status === 'none') continue;
    const summary = summarize(state, doc.version);
    const current = bucketOf(summary);
    for (const key of doc.buckets) {
      const change = changes.get(key) ?? { remove: new Set<string>(), add: [] };
      change.remove.add(caseId);
      if (key === current) change.add.push(summary);
      changes.set(key, change);
    }
  }
  const buckets = models.model<BucketDoc>(MODELS.buckets);
  for (const [key, { remove, add }] of changes) {
    await buckets.upsert(key, { position }, (cur) => ({ cases: [...(cur?.cases ?? []).filter((c) => !remove.has(c.caseId)), ...add] }));
  }
}

/**
 * Case lists by unit / status / overdue, and the durable deadline table, from the case events.
 * The case document is guarded by stream version; the buckets, fed by many streams, by log
 * position (so they are written by the projector's log pass only). A replay converges because a
 * case is removed from every bucket it was ever in except its current one.
 */
export const caseListsProjection: Projection = {
  name: 'dispatch_cases',
  handles: CASE_EVENT_TYPES,
  async apply(e: LoggedEvent | RecordedEvent, models: ReadModels): Promise<void> {
    const doc = await applyToCase(e, models);
    if (doc && e.position !== null) await applyToBuckets(new Map([[caseIdOfStream(e.streamId), doc]]), e.position, models);
  },
  async applyBatch(events: readonly LoggedEvent[], models: ReadModels): Promise<void> {
    const docs = new Map<string, CaseDoc>();
    for (const e of events) {
      const doc = await applyToCase(e, models);
      if (doc) docs.set(caseIdOfStream(e.streamId), doc);
    }
    await applyToBuckets(docs, events[events.length - 1]!.position, models);
  },
};
