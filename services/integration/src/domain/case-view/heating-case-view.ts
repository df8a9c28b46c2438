import type { CaseChange, CaseView, CentreState } from './case-view';

/**
 * How a heating complaint (供热投诉, heating's `heating.complaint.*.v1` events) looks from the
 * operations centre. The centre has no heating vocabulary: a complaint is accepted (已立案) when
 * heating receives it, in progress (处置中) from the company's acknowledgement through measuring,
 * the sub-standard period and the fix, and closed (已结案) when heating closes it. The table is the
 * mapping; the fold below only applies it.
 */
export const HEATING_COMPLAINT_PREFIX = 'heating.complaint.';

type Row = Readonly<{
  /** The centre's state after the event; absent: unchanged. */
  state?: CentreState;
  /** The event field holding the deadline now in force; '' clears it. */
  deadline?: string;
  /** The result shown to the centre, built from the event's data. */
  result?: (d: Readonly<Record<string, unknown>>) => string;
  overdue?: boolean;
}>;

const s = (d: Readonly<Record<string, unknown>>, key: string): string => {
  const v = d[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
};
const celsius = (d: Readonly<Record<string, unknown>>): string => (Number(d['lowestDeci'] ?? 0) / 10).toFixed(1);
const yuan = (d: Readonly<Record<string, unknown>>): string => (Number(d['refundCents'] ?? 0) / 100).toFixed(2);

export const HEATING_CENTRE_MAPPING: Readonly<Record<string, Row>> = {
  'heating.complaint.received.v1': { state: 'registered', deadline: 'measureDeadline', result: () => '供热企业待入户测温' },
  'heating.complaint.acknowledged.v1': { state: 'in_progress' },
  'heating.complaint.measured.v1': {
    state: 'in_progress',
    result: (d) => `${d['kind'] === 'third_party' ? '第三方检测' : '入户测温'} 最低 ${celsius(d)} ℃${d['compliant'] ? ' 达标' : ' 不达标'}`,
  },
  'heating.complaint.third_party_ordered.v1': { state: 'in_progress', result: () => '已委托第三方检测' },
  'heating.complaint.substandard_found.v1': {
    state: 'in_progress',
    deadline: 'fixDeadline',
    result: (d) => `室温不达标 最低 ${celsius(d)} ℃，限期整改`,
  },
  'heating.complaint.fix_reported.v1': { state: 'in_progress', result: (d) => `整改完成待复测: ${s(d, 'notes')}` },
  'heating.complaint.restored.v1': { state: 'in_progress', deadline: '', result: (d) => `复测达标，不达标 ${s(d, 'days')} 天` },
  'heating.complaint.refund_computed.v1': { result: (d) => `应退费 ${yuan(d)} 元（${s(d, 'percent')}%）` },
  'heating.complaint.refund_approved.v1': { result: (d) => `退费已核准 ${yuan(d)} 元` },
  'heating.complaint.closed.v1': { state: 'closed', deadline: '', overdue: false },
  'heating.complaint.overdue_marked.v1': { overdue: true },
};

/** The view after one more heating complaint event; unmapped types (督办, erasure) change nothing visible. */
export function applyHeatingChange(view: CaseView | null, change: CaseChange): CaseView | null {
  const d = change.data;
  const base: CaseView | null =
    change.type === 'heating.complaint.received.v1'
      ? {
          caseId: s(d, 'complaintId'),
          reportId: s(d, 'externalRef'),
          category: 'event.06.01',
          state: 'registered',
          unitId: s(d, 'companyId') || null,
          deadline: null,
          result: '',
          overdue: false,
          signed: false,
        }
      : view;
  if (base === null) return null;
  const row = HEATING_CENTRE_MAPPING[change.type];
  if (!row) return base;
  return {
    ...base,
    ...(row.state ? { state: row.state, signed: row.state === 'in_progress' || base.signed } : {}),
    ...(row.deadline !== undefined ? { deadline: row.deadline === '' ? null : s(d, row.deadline) || base.deadline } : {}),
    ...(row.result ? { result: row.result(d) } : {}),
    ...(row.overdue !== undefined ? { overdue: row.overdue } : {}),
  };
}
