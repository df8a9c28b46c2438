// dispatch ↔ enforcement, the pure part: which dispatch cases a squad takes over while they are
// open (from dispatch's events), and the handling feedback (处理反馈) an enforcement case owes its
// dispatch case when it ends. The application keeps the link by `_id` and makes the calls.

/** Which dispatch categories are punishable acts, and which squad each enforcement brigade is (data). */
export type HandoverRules = Readonly<{ penaltyCategories: Readonly<Record<string, string>>; squads: Readonly<Record<string, string>> }>;

export function parseHandoverRules(raw: { penaltyCategories?: unknown; squads?: unknown }): HandoverRules {
  const isMap = (v: unknown): v is Record<string, string> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string' && s !== '');
  if (!isMap(raw.penaltyCategories) || Object.keys(raw.penaltyCategories).some((k) => !/^[a-z]+\.\d{2}\.\d{2}$/.test(k)))
    throw new Error('dispatch hand-over: penaltyCategories must map category codes like event.01.01 to names');
  if (!isMap(raw.squads)) throw new Error('dispatch hand-over: squads must map dispatch unit ids to squad ids');
  return { penaltyCategories: raw.penaltyCategories, squads: raw.squads };
}

/** The brigade (dispatch unit) a squad acts for; '' when the squad is no brigade's. */
export const unitOfSquad = (rules: HandoverRules, squadId: string): string =>
  Object.entries(rules.squads).find(([, squad]) => squad === squadId)?.[0] ?? '';

/**
 * Enforcement's copy of a dispatch case of a penalty category, built from dispatch's events.
 * `version` is the case stream's version of the last event applied, so a redelivered or older
 * event changes nothing.
 */
export type DispatchCaseLink = Readonly<{
  dispatchCaseId: string;
  category: string;
  district: string;
  cellId: string;
  status: 'opened' | 'dispatched' | 'closed';
  /** The unit it is dispatched to, and that unit's squad ('' when the unit is no brigade). */
  unitId: string;
  squadId: string;
  version: number;
}>;

/** The dispatch events the link reads, as dispatch publishes them (proto/yiwang/dispatch/v1/case_events.proto). */
export type DispatchCaseEvent =
  | { type: 'dispatch.case.opened.v1'; data: { caseId: string; category: string; cellId: string; district: string } }
  | { type: 'dispatch.case.dispatched.v1'; data: { caseId: string; unitId: string } }
  | { type: 'dispatch.case.closed.v1'; data: { caseId: string } };

/** The link after one of its case's events; null when enforcement keeps nothing of the case. */
export function evolveDispatchLink(
  cur: DispatchCaseLink | null,
  event: DispatchCaseEvent,
  version: number,
  rules: HandoverRules,
): DispatchCaseLink | null {
  if (cur !== null && version <= cur.version) return cur;
  switch (event.type) {
    case 'dispatch.case.opened.v1':
      if (rules.penaltyCategories[event.data.category] === undefined) return cur;
      return {
        dispatchCaseId: event.data.caseId,
        category: event.data.category,
        district: event.data.district,
        cellId: event.data.cellId,
        status: 'opened',
        unitId: '',
        squadId: '',
        version,
      };
    case 'dispatch.case.dispatched.v1':
      if (cur === null) return null;
      return { ...cur, status: 'dispatched', unitId: event.data.unitId, squadId: rules.squads[event.data.unitId] ?? '', version };
    case 'dispatch.case.closed.v1':
      return cur === null ? null : { ...cur, status: 'closed', version };
  }
}

/**
 * The case source (案源) a link hands over: a penalty-category case dispatched to a brigade
 * becomes a lead of the brigade's squad while the dispatch case is still open; null otherwise (no
 * brigade, or closed by dispatch before enforcement heard of the dispatch).
 */
export function handoverSource(
  link: DispatchCaseLink,
  rules: HandoverRules,
): {
  squadId: string;
  district: string;
  source: { kind: 'dispatch_case'; ref: string; description: string; location: string; category: string };
} | null {
  if (link.status !== 'dispatched' || link.squadId === '') return null;
  const name = rules.penaltyCategories[link.category] ?? link.category;
  return {
    squadId: link.squadId,
    district: link.district,
    source: {
      kind: 'dispatch_case',
      ref: link.dispatchCaseId,
      description: `${name}: 闭环案件 ${link.dispatchCaseId} 派遣至 ${link.unitId}, 移交立案查处`,
      location: `网格 ${link.cellId}`,
      category: link.category,
    },
  };
}

/** How an enforcement case ends for its dispatch case: closed (结案) or a recorded decision not to file. */
export type CaseEnding =
  { type: 'enforcement.case.closed.v1'; data: { result: string } } | { type: 'enforcement.case.not_filed.v1'; data: { reason: string } };

/**
 * The handling feedback an enforcement case gives the dispatch case it came from; null for a case
 * of another source. The command id makes dispatch record it once however often it is sent.
 */
export function handlingFeedback(
  enforcementCase: Readonly<{ caseId: string; squadId: string; source: Readonly<{ kind: string; ref: string }> }>,
  ending: CaseEnding,
  unitId: string,
): { caseId: string; unitId: string; notes: string; commandId: string } | null {
  if (enforcementCase.source.kind !== 'dispatch_case' || enforcementCase.source.ref === '') return null;
  const notes =
    ending.type === 'enforcement.case.closed.v1'
      ? `执法案件 ${enforcementCase.caseId} 已结案：${ending.data.result}`
      : `执法案件 ${enforcementCase.caseId} 经核查不予立案：${ending.data.reason}`;
  return { caseId: enforcementCase.source.ref, unitId, notes, commandId: `enforcement-feedback-${enforcementCase.caseId}` };
}
