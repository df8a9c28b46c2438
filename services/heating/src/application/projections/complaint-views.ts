import type { LoggedEvent, Projection, ReadModels, RecordedEvent } from '@yiwang/kernel-core';
import {
  COMPLAINT_EVENT_TYPES,
  evolveComplaint,
  initialComplaintState,
  periodOf,
  POINT_EVENT_TYPES,
  runningLimit,
  type ComplaintEvent,
  type ComplaintState,
  type PointEvent,
  type SealedContact,
} from '../../domain';
import { applySeason } from './company-season';

/** A complaint as queries read it by `_id`: the aggregate's own fold, its sealed contact, its version. */
export type ComplaintDoc = { state: ComplaintState; version: number; contact: SealedContact | null; lowestDeci: number | null };
/** One running limit: what the shared DeadlineScan reads (deleted once marked or when no limit runs). */
export type DeadlineDoc = { complaintId: string; companyId: string; limit: 'measurement' | 'fix'; deadline: string; dueMs: number };
/** A company's open complaints (`open:<companyId>`), compact. */
export type OpenBucketDoc = { complaints: ComplaintSummary[] };

export type ComplaintSummary = Readonly<{
  complaintId: string;
  status: string;
  householdId: string;
  companyId: string;
  channel: string;
  receivedAt: string;
  limit: string;
  deadline: string;
  overdue: boolean;
  supervisionCount: number;
  lowestDeci: number | null;
  refundCents: number;
  outcome: string;
  version: number;
  personalDataErased: boolean;
}>;

export const MODELS = {
  complaints: 'complaints',
  deadlines: 'deadlines',
  open: 'open_complaints',
  seasons: 'company_seasons',
  weeks: 'company_weeks',
} as const;

export const complaintIdOfStream = (streamId: string): string => streamId.replace(/^heating-complaint-/, '');

export function summarize(doc: ComplaintDoc): ComplaintSummary | null {
  const s = doc.state;
  if (s.status === 'none') return null;
  const running = runningLimit(s);
  return {
    complaintId: s.complaintId,
    status: s.status,
    householdId: s.householdId,
    companyId: s.companyId,
    channel: s.channel,
    receivedAt: s.receivedAt,
    limit: running?.limit ?? '',
    deadline: running?.deadline ?? '',
    overdue: running !== null && s.overdueMarkedFor === running.deadline,
    supervisionCount: s.supervisionCount,
    lowestDeci: doc.lowestDeci ?? periodOf(s)?.lowestDeci ?? null,
    refundCents: s.status === 'closed' ? s.refundCents : s.status === 'refund_pending' ? s.refund.refundCents : 0,
    outcome: s.status === 'closed' ? s.outcome : '',
    version: doc.version,
    personalDataErased: s.personalDataErased,
  };
}

function nextDeadline(state: ComplaintState): DeadlineDoc | null {
  if (state.status === 'none') return null;
  const running = runningLimit(state);
  if (running === null || state.overdueMarkedFor === running.deadline) return null;
  return {
    complaintId: state.complaintId,
    companyId: state.companyId,
    limit: running.limit,
    deadline: running.deadline,
    dueMs: Date.parse(running.deadline),
  };
}

/** The complaint document and its deadline for one event (stream-version guarded); returns the states before and after. */
async function applyToComplaint(
  e: LoggedEvent | RecordedEvent,
  models: ReadModels,
): Promise<{ before: ComplaintState; doc: ComplaintDoc } | null> {
  const id = complaintIdOfStream(e.streamId);
  const event = { type: e.type, data: e.data } as ComplaintEvent;
  const complaints = models.model<ComplaintDoc>(MODELS.complaints);
  const current = await complaints.get(id);
  if (current && current.version >= e.streamVersion) return null; // seen: a replayed batch
  const before = current?.state ?? initialComplaintState();
  const state = evolveComplaint(before, event);
  const measured = event.type === 'heating.complaint.measured.v1' ? event.data.lowestDeci : null;
  const doc: ComplaintDoc = {
    state,
    version: e.streamVersion,
    contact: event.type === 'heating.complaint.received.v1' ? event.data.contact : (current?.contact ?? null),
    lowestDeci: measured !== null ? Math.min(measured, current?.lowestDeci ?? measured) : (current?.lowestDeci ?? null),
  };
  await complaints.upsert(id, e, () => doc);
  await models.model<DeadlineDoc>(MODELS.deadlines).upsert(id, e, () => nextDeadline(state));
  return { before, doc };
}

/** The open bucket of each touched company, written once per batch (position guarded). */
async function applyToBuckets(docs: ReadonlyMap<string, ComplaintDoc>, position: number, models: ReadModels): Promise<void> {
  const changes = new Map<string, { remove: Set<string>; add: ComplaintSummary[] }>();
  for (const [id, doc] of docs) {
    const summary = summarize(doc);
    if (!summary) continue;
    const change = changes.get(summary.companyId) ?? { remove: new Set<string>(), add: [] };
    change.remove.add(id);
    if (summary.status !== 'closed') change.add.push(summary);
    changes.set(summary.companyId, change);
  }
  const buckets = models.model<OpenBucketDoc>(MODELS.open);
  for (const [companyId, { remove, add }] of changes) {
    await buckets.upsert(`open:${companyId}`, { position }, (cur) => ({
      complaints: [...(cur?.complaints ?? []).filter((c) => !remove.has(c.complaintId)), ...add],
    }));
  }
}

/**
 * Heating's read models from its log: each complaint by `_id`, the running limits for the
 * DeadlineScan, each company's open complaints, and each company's season (counts, sub-standard
 * days, refunds per household). The season documents are fed by many streams, so they are
 * position-guarded and written once per batch by the projector's log pass.
 */
export function heatingViewsProjection(season: string): Projection {
  const applyBatch = async (events: readonly LoggedEvent[], models: ReadModels): Promise<void> => {
    const docs = new Map<string, ComplaintDoc>();
    const seasonEvents: Array<{ event: ComplaintEvent | PointEvent; before: ComplaintState | null }> = [];
    for (const e of events) {
      if (e.type.startsWith('heating.point.')) {
        seasonEvents.push({ event: { type: e.type, data: e.data } as PointEvent, before: null });
        continue;
      }
      const applied = await applyToComplaint(e, models);
      if (!applied) continue;
      docs.set(complaintIdOfStream(e.streamId), applied.doc);
      seasonEvents.push({ event: { type: e.type, data: e.data } as ComplaintEvent, before: applied.before });
    }
    const position = events[events.length - 1]!.position;
    await applyToBuckets(docs, position, models);
    await applySeason(season, seasonEvents, position, models);
  };
  return {
    name: 'heating_views',
    handles: [...COMPLAINT_EVENT_TYPES, ...POINT_EVENT_TYPES],
    async apply(e, models) {
      // Only the projector's log pass has positions; inline application is not used by heating.
      if (e.position !== null) await applyBatch([e as LoggedEvent], models);
    },
    applyBatch,
  };
}
