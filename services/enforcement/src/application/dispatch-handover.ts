import type { Collection, Db } from 'mongodb';
import { IllegalStateError, type LoggedEvent } from '@yiwang/kernel-core';
import shippedRules from '../../data/dispatch-handover.json';
import { Roles, type Actor } from '../domain';
import { caseIdForDispatchCase, type EnforcementCases } from './case-service';

/** Which dispatch categories are punishable acts, and which squad each enforcement brigade is. */
export type HandoverRules = Readonly<{ penaltyCategories: Readonly<Record<string, string>>; squads: Readonly<Record<string, string>> }>;
export const shippedHandoverRules: HandoverRules = shippedRules;

/** What the process manager remembers of a dispatch case of a penalty category until it closes. */
export type DispatchCaseDoc = { _id: string; category: string; district: string; cellId: string; openedAt: string };

type Opened = { caseId: string; category: string; district: string; cellId: string; openedAt: string };
type Closed = { caseId: string; unitId: string; closedAt: string };

export type HandoverOutcome = 'remembered' | 'opened' | 'already_open' | 'not_ours';

/**
 * dispatch → enforcement: a dispatch case of a penalty category (私搭乱建, 店外经营, 机动车乱停放 …)
 * closed by an enforcement brigade is handed over as a case source (案源) of that brigade's squad,
 * exactly as `AcceptDispatchHandover` would: the same case id (`EF-<dispatch case id>`) and command
 * id, so a squad's own hand-over and this one are one case, and a redelivered event changes nothing.
 * Remembering the category from `opened` is one write by `_id`, for penalty categories only.
 */
export class DispatchHandover {
  private readonly cases: Collection<DispatchCaseDoc>;

  constructor(
    db: Db,
    private readonly enforcement: EnforcementCases,
    private readonly rules: HandoverRules = shippedHandoverRules,
  ) {
    this.cases = db.collection<DispatchCaseDoc>('dispatch_handover_cases');
  }

  async onDispatchEvent(event: LoggedEvent): Promise<HandoverOutcome> {
    if (event.type === 'dispatch.case.opened.v1') {
      const d = event.data as Opened;
      if (!this.rules.penaltyCategories[d.category]) return 'not_ours';
      const doc = { category: d.category, district: d.district, cellId: d.cellId, openedAt: d.openedAt };
      await this.cases.updateOne({ _id: d.caseId }, { $set: doc }, { upsert: true });
      return 'remembered';
    }
    if (event.type !== 'dispatch.case.closed.v1') return 'not_ours';
    const d = event.data as Closed;
    const squadId = this.rules.squads[d.unitId];
    if (!squadId) return 'not_ours';
    const known = await this.cases.findOne({ _id: d.caseId });
    if (!known) return 'not_ours';
    const actor: Actor = { subject: 'dispatch-handover', department: squadId, roles: [Roles.system] };
    const name = this.rules.penaltyCategories[known.category] ?? known.category;
    try {
      const result = await this.enforcement.execute(
        caseIdForDispatchCase(d.caseId),
        ({ caseId, at }) => ({
          type: 'RegisterSource',
          actor,
          data: {
            caseId,
            squadId,
            district: known.district,
            source: {
              kind: 'dispatch_case',
              ref: d.caseId,
              description: `${name}: 闭环案件 ${d.caseId} 由 ${d.unitId} 结案移交`,
              location: `网格 ${known.cellId}`,
              category: known.category,
            },
            party: null,
            at,
          },
        }),
        { actor, commandId: `handover:${d.caseId}`, correlationId: event.correlationId },
      );
      return result.replayed ? 'already_open' : 'opened';
    } catch (e) {
      // The squad opened it by another command already: one source, one case.
      if (e instanceof IllegalStateError) return 'already_open';
      throw e;
    }
  }
}
