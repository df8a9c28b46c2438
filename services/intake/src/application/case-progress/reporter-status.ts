import { toShanghaiIso } from '@yiwang/working-time';
import { type ReportView } from '../projections/reports-projection';
import { type CaseProgress, type CaseStep } from './case-progress';

/**
 * What the reporter is told, from intake's own view of the report and, once dispatch has opened a
 * case for it, the case's progress: the open/closed status of Open311 GeoReport v2, a line in
 * Chinese and English, the unit responsible and the deadline. Pure, so the wording is tested
 * without servers.
 */
export type ReporterStatus = Readonly<{
  status: 'open' | 'closed';
  /** The step, e.g. `dispatched`, `closed`; intake's own status before a case exists. */
  step: CaseStep | ReportView['status'];
  statusNotes: string;
  /** The unit handling it (or that handled it), as `中文名 English name`; null before dispatch. */
  agencyResponsible: string | null;
  unitId: string | null;
  /** The deadline in force (处置时限); null before dispatch. */
  expectedAt: string | null;
  overdue: boolean;
  closedAt: string | null;
  /** What the unit reported doing, once the case is closed. */
  result: string | null;
  updatedAt: string;
}>;

/** `2025-03-03T06:00:00Z` → `2025-03-03 14:00` (Asia/Shanghai, no daylight saving). */
export function shanghaiMinute(instant: string): string {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return instant;
  return toShanghaiIso(t).slice(0, 16).replace('T', ' ');
}

const unitLabel = (p: CaseProgress): string => (p.unit ? `${p.unit.name.zh} ${p.unit.name.en}`.trim() : '');

function caseNotes(p: CaseProgress): string {
  const unit = p.unit ? p.unit.name : null;
  const due = p.deadline ? shanghaiMinute(p.deadline) : '';
  const late = p.overdue ? '（已超期 overdue）' : '';
  switch (p.step) {
    case 'awaiting_dispatch':
      return '已立案，待派遣 — filed, being assigned to the responsible unit';
    case 'dispatched':
      return `已派遣至${unit?.zh ?? ''}，处置时限 ${due}${late} — dispatched to ${unit?.en ?? ''}, due ${due}`;
    case 'in_progress':
      return `${unit?.zh ?? ''}处置中，处置时限 ${due}${late} — ${unit?.en ?? ''} is handling it, due ${due}`;
    case 'return_requested':
      return `${unit?.zh ?? ''}申请退回，待指挥中心决定 — the unit asked to hand it back; the command centre decides`;
    case 'returned':
      return '已退回指挥中心，待重新派遣 — returned to the command centre, to be assigned again';
    case 'extension_requested':
      return `${unit?.zh ?? ''}申请延期，待审批 — the unit asked for more time (due ${due})`;
    case 'suspension_requested':
      return `${unit?.zh ?? ''}申请缓办，待审批 — the unit asked to defer it`;
    case 'suspended':
      return `缓办（挂账）— deferred: it cannot be fixed in time and stays on ${unit?.en ?? 'the unit'}'s list`;
    case 'awaiting_verification':
      return '已处置，待核查 — the unit reports it done; an inspector will check on site';
    case 'rework':
      return `核查未通过，返工中，处置时限 ${due}${late} — not fixed on inspection, being redone, due ${due}`;
    case 'closed':
      return `已结案${p.handlingNotes ? `：${p.handlingNotes}` : ''} — resolved and closed${p.closedAt ? ` on ${shanghaiMinute(p.closedAt)}` : ''}`;
    default: {
      const never: never = p.step;
      return never;
    }
  }
}

const later = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

/**
 * The reporter's status. A merged (duplicate) report answers with its own line (merged into …)
 * rather than the master's case: its reporter follows the master report by its id.
 */
export function reporterStatus(view: ReportView, progress: CaseProgress | null): ReporterStatus {
  const own = view.status === 'awaiting_filing' || view.status === 'filed' ? 'open' : 'closed';
  if (progress === null || view.status === 'duplicate' || view.status === 'rejected') {
    return {
      status: own,
      step: view.status,
      statusNotes: view.statusNotes,
      agencyResponsible: null,
      unitId: null,
      expectedAt: null,
      overdue: false,
      closedAt: view.status === 'closed' ? view.updatedAt : null,
      result: null,
      updatedAt: view.updatedAt,
    };
  }
  // Intake closes its report from the same CaseClosed, through another consumer group that may be
  // a moment ahead of this view: a closed report whose case was never reopened is closed.
  const caseClosed = progress.step === 'closed';
  const closed = caseClosed || (view.status === 'closed' && progress.reopenedAt === null);
  return {
    status: closed ? 'closed' : 'open',
    step: closed ? 'closed' : progress.step,
    statusNotes: caseClosed || !closed ? caseNotes(progress) : view.statusNotes,
    agencyResponsible: progress.unit ? unitLabel(progress) : null,
    unitId: progress.unit?.id ?? null,
    expectedAt: progress.deadline,
    overdue: progress.overdue,
    closedAt: progress.closedAt ?? (closed ? view.updatedAt : null),
    result: closed ? progress.handlingNotes : null,
    updatedAt: later(view.updatedAt, progress.updatedAt),
  };
}
