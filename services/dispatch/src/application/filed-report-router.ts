import { IllegalStateError, ValidationError, type LoggedEvent } from '@yiwang/kernel-core';
import {
  addWorkingTime,
  caseStreamId,
  instantFromMillis,
  route,
  type Actor,
  type BusinessCalendar,
  type CaseState,
  type Instant,
  type OpenCase,
  type ResponsibilityMatrix,
  type WorkingDuration,
} from '../domain';
import { caseIdForReport } from './case-ids';
import { type CaseService } from './case-service';

/** The process manager acts as the system, on behalf of the command centre's automatic dispatch. */
export const ROUTER_ACTOR: Actor = { subject: 'dispatch-router', department: 'system.dispatch', roles: ['system'] };

export const REPORT_FILED = 'intake.report.filed.v1';

/** What dispatch needs of `intake.report.filed.v1`, whichever encoding it came in. */
export type FiledReport = Readonly<{
  reportId: string;
  category: Readonly<{ code: string; urgency: string; unitType: string; deadline: WorkingDuration }>;
  cell: Readonly<{ cellId: string; district: string }>;
  filedAt: string;
}>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/**
 * Reads the filed event's data as intake publishes it: the protobuf message (`ReportFiled`, with
 * `deadlineAmount`/`deadlineUnit` and a Date) or the JSON of the domain event (`deadline: {amount,
 * unit}`, ISO strings). Anything missing is a ValidationError: retrying cannot fix it.
 */
export function filedReportFromData(data: unknown): FiledReport {
  const d = obj(data);
  const category = obj(d['category']);
  const cell = obj(d['cell']);
  const deadline = obj(category['deadline']);
  const amount = typeof category['deadlineAmount'] === 'number' ? category['deadlineAmount'] : deadline['amount'];
  const unit = text(category['deadlineUnit']) || text(deadline['unit']);
  const filedAt = d['filedAt'] instanceof Date ? d['filedAt'].toISOString() : text(d['filedAt']);
  const report: FiledReport = {
    reportId: text(d['reportId']),
    category: {
      code: text(category['code']),
      urgency: text(category['urgency']),
      unitType: text(category['unitType']),
      deadline: { amount: Number(amount), unit: unit as WorkingDuration['unit'] },
    },
    cell: { cellId: text(cell['cellId']), district: text(cell['district']) },
    filedAt,
  };
  const missing = [
    ['reportId', report.reportId],
    ['category.code', report.category.code],
    ['cell.cellId', report.cell.cellId],
    ['cell.district', report.cell.district],
  ].filter(([, v]) => v === '');
  if (missing.length > 0)
    throw new ValidationError(
      'the filed report lacks fields dispatch needs',
      missing.map(([f]) => ({ field: f!, message: 'missing' })),
    );
  return report;
}

/**
 * The intent for a filed report (pure): route it by the responsibility matrix and give it the
 * category's deadline in working time from `now`.
 */
export function planOpenCase(report: FiledReport, matrix: ResponsibilityMatrix, calendar: BusinessCalendar, now: Instant): OpenCase {
  const routed = route(matrix, {
    category: report.category.code,
    district: report.cell.district,
    defaultUnitType: report.category.unitType,
  });
  const deadline = instantFromMillis(addWorkingTime(calendar, new Date(now), report.category.deadline).getTime());
  return {
    type: 'OpenCase',
    actor: ROUTER_ACTOR,
    data: {
      caseId: caseIdForReport(report.reportId),
      reportId: report.reportId,
      category: report.category.code,
      cellId: report.cell.cellId,
      district: report.cell.district,
      urgency: report.category.urgency || 'normal',
      unitId: routed.unit.id,
      deadline,
      at: now,
    },
  };
}

/**
 * Consumer handler: one filed report → one case, opened and dispatched. Idempotent twice over:
 * the command id is the event id (a redelivery returns the first result), and a case that already
 * exists for the report (re-published filing) is left alone.
 */
export function filedReportHandler(cases: CaseService): (event: LoggedEvent) => Promise<CaseState | null> {
  return async (event) => {
    if (event.type !== REPORT_FILED) return null;
    // Intake hands some reports to another service (a household's heating complaint goes to heating).
    if (text(obj(obj(event.data)['handover'])['service']) !== '') return null;
    const command = planOpenCase(filedReportFromData(event.data), cases.matrix, cases.calendar, cases.now());
    try {
      const result = await cases.handler.handle(caseStreamId(caseIdForReport(command.data.reportId)), command, {
        commandId: event.id,
        metadata: {
          actor: ROUTER_ACTOR,
          correlationId: event.correlationId,
          causationId: event.id,
          ...(event.traceparent ? { traceparent: event.traceparent } : {}),
        },
      });
      return result.state;
    } catch (e) {
      if (e instanceof IllegalStateError && (e.context as { status?: string }).status !== 'none') return null;
      throw e;
    }
  };
}
