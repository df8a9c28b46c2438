import { type LoggedEvent, type Projection, type ReadModels, type RecordedEvent } from '@yiwang/kernel';
import { evolveCase, initialCaseState, type CaseEvent, type CaseState } from '../../domain';
import { bucketOf, summarize, type CaseSummary } from './case-summary';

export const CASE_EVENT_TYPES = [
  'dispatch.case.opened.v1',
  'dispatch.case.dispatched.v1',
  'dispatch.case.signed_for.v1',
  'dispatch.case.return_requested.v1',
  'dispatch.case.return_approved.v1',
  'dispatch.case.return_rejected.v1',
  'dispatch.case.extension_requested.v1',
  'dispatch.case.extension_approved.v1',
  'dispatch.case.extension_rejected.v1',
  'dispatch.case.suspension_requested.v1',
  'dispatch.case.suspension_approved.v1',
  'dispatch.case.suspension_rejected.v1',
  'dispatch.case.handling_reported.v1',
  'dispatch.case.verified.v1',
  'dispatch.case.closed.v1',
  'dispatch.case.rework_ordered.v1',
  'dispatch.case.supervised.v1',
  'dispatch.case.overdue_marked.v1',
  'dispatch.case.reopened.v1',
  'dispatch.case.evaluated.v1',
] as const satisfies readonly CaseEvent['type'][];

/** Per case: its state (the aggregate's own fold) and every list bucket it has been in. */
export type CaseDoc = { state: CaseState; version: number; buckets: string[] };
/** A list bucket: the compact summaries of its cases. */
export type BucketDoc = { cases: CaseSummary[] };
/** A case whose deadline runs: what the overdue scan reads (deleted when no deadline runs). */
export type DeadlineDoc = { caseId: string; unitId: string; deadline: string; dueMs: number; markedFor: string | null; supervisedFor: string | null };

export const MODELS = { cases: 'cases', buckets: 'buckets', deadlines: 'deadlines' } as const;

const MARKABLE = new Set(['dispatched', 'handling', 'return_requested', 'extension_requested', 'suspension_requested']);

export const caseIdOfStream = (streamId: string): string => streamId.replace(/^case-/, '');

function nextDeadline(state: CaseState, current: DeadlineDoc | null, event: CaseEvent): DeadlineDoc | null {
  if (!MARKABLE.has(state.status) || !('deadline' in state)) return null;
  const same = current !== null && current.deadline === state.deadline;
  let supervisedFor = same ? current.supervisedFor : null;
  // A supervision after the deadline passed is the follow-up the overdue scan owes.
  if (event.type === 'dispatch.case.supervised.v1' && Date.parse(event.data.supervisedAt) >= Date.parse(state.deadline)) supervisedFor = state.deadline;
  return {
    caseId: state.caseId,
    unitId: state.unitId,
    deadline: state.deadline,
    dueMs: Date.parse(state.deadline),
    markedFor: state.overdueMarkedFor,
    supervisedFor,
  };
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
    const caseId = caseIdOfStream(e.streamId);
    const event = { type: e.type, data: e.data } as CaseEvent;
    const cases = models.model<CaseDoc>(MODELS.cases);
    await cases.upsert(caseId, e, (cur) => {
      const state = evolveCase(cur?.state ?? initialCaseState(), event);
      const buckets = cur?.buckets ?? [];
      const bucket = state.status === 'none' ? null : bucketOf(summarize(state, e.streamVersion));
      return { state, version: e.streamVersion, buckets: bucket && !buckets.includes(bucket) ? [...buckets, bucket] : buckets };
    });
    const doc = await cases.get(caseId);
    if (!doc || doc.state.status === 'none') return;
    const state = doc.state;
    await models.model<DeadlineDoc>(MODELS.deadlines).upsert(caseId, e, (cur) => nextDeadline(state, cur, event));
    if (e.position === null) return;
    const summary = summarize(state, doc.version);
    const current = bucketOf(summary);
    const buckets = models.model<BucketDoc>(MODELS.buckets);
    for (const key of doc.buckets) {
      await buckets.upsert(key, { position: e.position }, (cur) => {
        const others = (cur?.cases ?? []).filter((c) => c.caseId !== caseId);
        return key === current ? { cases: [...others, summary] } : { cases: others };
      });
    }
  },
};
