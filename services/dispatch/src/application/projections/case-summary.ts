import { toShanghaiIso, type CaseState } from '../../domain';

/** A case as lists show it: compact, one per case, built from the aggregate's own state. */
export type CaseSummary = Readonly<{
  caseId: string;
  reportId: string;
  status: string;
  unitId: string | null;
  category: string;
  district: string;
  cellId: string;
  urgency: string;
  deadline: string | null;
  overdue: boolean;
  openedAt: string;
  closedAt: string | null;
  reworkCount: number;
  extensionCount: number;
  supervisionCount: number;
  returnCount: number;
  version: number;
}>;

export function summarize(state: Exclude<CaseState, { status: 'none' }>, version: number): CaseSummary {
  const assigned = 'deadline' in state;
  return {
    caseId: state.caseId,
    reportId: state.reportId,
    status: state.status,
    unitId: 'unitId' in state ? state.unitId : null,
    category: state.category,
    district: state.district,
    cellId: state.cellId,
    urgency: state.urgency,
    deadline: assigned ? state.deadline : null,
    overdue: assigned && state.overdueMarkedFor === state.deadline,
    openedAt: state.openedAt,
    closedAt: state.status === 'closed' ? state.closedAt : null,
    reworkCount: state.reworkCount,
    extensionCount: state.extensionCount,
    supervisionCount: state.supervisionCount,
    returnCount: state.returnCount,
    version,
  };
}

/** The pseudo-unit of cases at the command centre (awaiting dispatch). */
export const CENTRE = 'centre';

/** `2025-03` of an instant, in Shanghai. */
export const shanghaiMonth = (instant: string): string => toShanghaiIso(Date.parse(instant)).slice(0, 7);

/**
 * The list bucket a case belongs in: open cases per holding unit (`open:<unit>`, `open:centre`),
 * closed ones per unit and month of closure (`closed:<unit>:<yyyy-mm>`). Buckets are read by `_id`
 * only, so listing never scans the case collection (FerretDB serves only `_id` equality by index).
 */
export function bucketOf(s: CaseSummary): string {
  if (s.status === 'closed') return `closed:${s.unitId ?? CENTRE}:${shanghaiMonth(s.closedAt ?? s.openedAt)}`;
  return `open:${s.unitId ?? CENTRE}`;
}
