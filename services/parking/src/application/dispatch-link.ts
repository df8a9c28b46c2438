import { type Collection, type Db } from 'mongodb';
import { type LoggedEvent } from '@yiwang/kernel-core';
import {
  evolveLink,
  handlingFeedback,
  requireAnswerable,
  type DispatchCaseEvent,
  type DispatchCaseLink,
  type DispatchLinkRules,
  type ViolationClosed,
} from '../domain';

/** Dispatch's side of the link (its gRPC API in production): the unit reports the handling of a case. */
export interface DispatchFeedback {
  /**
   * Reports the handling (处理反馈) of `caseId` on behalf of `unitId`. Resolves `reported` when
   * dispatch recorded it (or had, for the same command id), `refused` when dispatch refuses for
   * good (the case moved on: returned, already reported, closed); throws when it may succeed later.
   */
  reportHandling(input: { caseId: string; unitId: string; notes: string; commandId: string }): Promise<'reported' | 'refused'>;
}

type LinkDoc = DispatchCaseLink & { _id: string; answeredBy?: string[] };

export const DISPATCH_CASES = 'dispatch_cases';

/**
 * The process manager between dispatch's 机动车乱停放 cases and parking's violations: it keeps the
 * cases dispatched to parking squads (one document per case, by `_id`), lets an officer's
 * violation name one, and reports the case's handling to dispatch when that violation closes.
 * Every step is idempotent: stale or repeated dispatch events are ignored by the case version,
 * and the feedback carries a command id dispatch answers once.
 */
export class DispatchLink {
  private readonly cases: Collection<LinkDoc>;

  constructor(
    db: Db,
    private readonly rules: DispatchLinkRules,
    private readonly feedback: DispatchFeedback,
    private readonly log: (message: string, context: Record<string, unknown>) => void = () => undefined,
  ) {
    this.cases = db.collection<LinkDoc>(DISPATCH_CASES);
  }

  async get(caseId: string): Promise<(DispatchCaseLink & { answeredBy: string[] }) | null> {
    const doc = await this.cases.findOne({ _id: caseId });
    if (!doc) return null;
    const { _id, answeredBy, ...link } = doc;
    return { ...link, answeredBy: answeredBy ?? [] };
  }

  /** Throws unless a violation of `squad` may answer `caseId` (called before recording it). */
  async requireAnswerable(caseId: string, squad: string): Promise<void> {
    requireAnswerable(await this.get(caseId), caseId, squad);
  }

  /** One of dispatch's case events: the link's next state, written only if the case's version moved on. */
  async onDispatchEvent(event: LoggedEvent): Promise<void> {
    const cur = await this.get((event.data as { caseId?: string }).caseId ?? '');
    const next = evolveLink(cur, { type: event.type, data: event.data } as DispatchCaseEvent, event.streamVersion, this.rules);
    if (next === null || next === cur) return;
    const { caseId, ...fields } = next;
    if (cur === null) {
      await this.cases.updateOne({ _id: caseId }, { $setOnInsert: { ...fields, caseId, answeredBy: [] } }, { upsert: true });
    } else {
      // Guarded by the version read: a concurrent writer makes this a no-op, and the redelivery retries.
      await this.cases.updateOne({ _id: caseId, version: cur.version }, { $set: fields });
    }
  }

  /** A violation closed: if it answers a dispatch case, that case gets its handling feedback. */
  async onViolationClosed(closed: ViolationClosed['data']): Promise<'reported' | 'refused' | 'none'> {
    const feedback = handlingFeedback(closed);
    if (feedback === null) return 'none';
    const link = await this.get(feedback.caseId);
    if (link === null || link.unitId === '') {
      this.log('closed violation names a dispatch case parking does not hold; no feedback', { ...feedback });
      return 'refused';
    }
    if (link.answeredBy.includes(closed.violationId)) return 'reported';
    const outcome = await this.feedback.reportHandling({ ...feedback, unitId: link.unitId });
    if (outcome === 'refused') this.log('dispatch refused the handling feedback', { ...feedback, unitId: link.unitId });
    await this.cases.updateOne({ _id: feedback.caseId }, { $addToSet: { answeredBy: closed.violationId } });
    return outcome;
  }
}
