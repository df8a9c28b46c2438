import type { Collection, Db } from 'mongodb';
import { IllegalStateError, type LoggedEvent } from '@yiwang/kernel-core';
import shippedRules from '../../data/dispatch-handover.json';
import {
  Roles,
  evolveDispatchLink,
  handoverSource,
  parseHandoverRules,
  type Actor,
  type DispatchCaseEvent,
  type DispatchCaseLink,
  type HandoverRules,
} from '../domain';
import { caseIdForDispatchCase, type EnforcementCases } from './case-service';

export const shippedHandoverRules: HandoverRules = parseHandoverRules(shippedRules);

/** The link documents, one per dispatch case of a penalty category, by dispatch case id. */
export const DISPATCH_LINKS = 'dispatch_handover_cases';
type LinkDoc = DispatchCaseLink & { _id: string };

export type HandoverOutcome = 'remembered' | 'opened' | 'already_open' | 'not_ours';

/**
 * dispatch → enforcement: a dispatch case of a penalty category (私搭乱建, 店外经营 …) dispatched to
 * an enforcement brigade is handed over as a case source (案源) of that brigade's squad while it is
 * still open in dispatch, exactly as `AcceptDispatchHandover` would: the same case id
 * (`EF-<dispatch case id>`) and command id, so a squad's own hand-over and this one are one case,
 * and a redelivered event changes nothing. The link (written by `_id`, guarded by the dispatch
 * case's version) also tells the feedback which unit answers the case.
 */
export class DispatchHandover {
  private readonly links: Collection<LinkDoc>;

  constructor(
    db: Db,
    private readonly enforcement: EnforcementCases,
    readonly rules: HandoverRules = shippedHandoverRules,
  ) {
    this.links = db.collection<LinkDoc>(DISPATCH_LINKS);
  }

  async get(dispatchCaseId: string): Promise<DispatchCaseLink | null> {
    const doc = await this.links.findOne({ _id: dispatchCaseId });
    if (!doc) return null;
    const { _id, ...link } = doc;
    return link;
  }

  async onDispatchEvent(event: LoggedEvent): Promise<HandoverOutcome> {
    const cur = await this.get((event.data as { caseId?: string }).caseId ?? '');
    const next = evolveDispatchLink(cur, { type: event.type, data: event.data } as DispatchCaseEvent, event.streamVersion, this.rules);
    if (next === null) return 'not_ours';
    if (next !== cur) {
      if (cur === null) await this.links.updateOne({ _id: next.dispatchCaseId }, { $setOnInsert: next }, { upsert: true });
      // Guarded by the version read: a concurrent writer makes this a no-op, and the redelivery retries.
      else await this.links.updateOne({ _id: next.dispatchCaseId, version: cur.version }, { $set: next });
    }
    if (event.type !== 'dispatch.case.dispatched.v1') return 'remembered';
    const handover = handoverSource(next, this.rules);
    return handover === null ? 'not_ours' : this.open(next.dispatchCaseId, handover, event.correlationId);
  }

  private async open(
    dispatchCaseId: string,
    handover: NonNullable<ReturnType<typeof handoverSource>>,
    correlationId: string | null,
  ): Promise<HandoverOutcome> {
    const actor: Actor = { subject: 'dispatch-handover', department: handover.squadId, roles: [Roles.system] };
    try {
      const result = await this.enforcement.execute(
        caseIdForDispatchCase(dispatchCaseId),
        ({ caseId, at }) => ({ type: 'RegisterSource', actor, data: { caseId, ...handover, party: null, at } }),
        { actor, commandId: `handover:${dispatchCaseId}`, correlationId: correlationId ?? undefined },
      );
      return result.replayed ? 'already_open' : 'opened';
    } catch (e) {
      // Opened by another command already (the squad's own hand-over, or an earlier dispatch): one source, one case.
      if (e instanceof IllegalStateError) return 'already_open';
      throw e;
    }
  }
}
