import { IllegalStateError, type LoggedEvent, type ReadModels } from '@yiwang/kernel-core';
import { inspectionDecider, inspectionStreamId, Roles, type Actor, type InspectionEvent } from '../domain';
import { type SanitationService } from './sanitation-service';
import { ASSESSMENT_MODELS, type IntakeReportDoc } from './projections/assessment';

/** The loop acts in sanitation as a system process, and towards intake as an inspector (its own token). */
export const LOOP_ACTOR: Actor = { subject: 'sanitation-loop', department: 'system.sanitation', roles: [Roles.system] };

export const RECTIFICATION_OPENED = 'sanitation.inspection.rectification_opened.v1';
export const INTAKE_REPORT_CLOSED = 'intake.report.closed.v1';

/** What the loop needs of intake: file a report, idempotent by the caller's request id. */
export interface IntakeReports {
  submit(report: {
    requestId: string;
    category: string;
    location: { lon: number; lat: number };
    description: string;
  }): Promise<{ reportId: string; status: string }>;
}

type Opened = Extract<InspectionEvent, { type: typeof RECTIFICATION_OPENED }>['data'];

/** The request id a rectification is filed under: the same on every retry, new for a reopened one. */
export const intakeRequestId = (inspectionId: string, openedAt: string): string => `sanitation:${inspectionId}:${openedAt}`;

/**
 * The closed loop (闭环) as two process managers on events, no shared database:
 * - a rectification opened on `yiwang.sanitation.events.v1` is filed in intake (inspector channel,
 *   the facility's category and position) and the report id recorded on the inspection; a retried
 *   hand-off files nothing new (intake answers the same report for the same request id);
 * - intake's `intake.report.closed.v1` (its dispatch case closed) is linked back to the inspection,
 *   which completes the rectification.
 */
export class IntakeLoop {
  constructor(
    private readonly service: SanitationService,
    private readonly intake: IntakeReports,
    private readonly assessmentModels: () => Promise<ReadModels>,
  ) {}

  /** Files one opened rectification in intake; returns the report id, or null when nothing is to be filed. */
  async handOff(event: Pick<LoggedEvent, 'type' | 'data'>): Promise<string | null> {
    if (event.type !== RECTIFICATION_OPENED) return null;
    const d = event.data as Opened;
    const facility = await this.service.facility(d.facilityId);
    const category = facility ? this.service.standards.intakeCategories[facility.details.kind] : undefined;
    // Retired since, or a kind the city does not file: the rectification stays sanitation's own.
    if (!facility || !category) return null;
    const points = facility.details.location.coordinates;
    const location = {
      lon: points.reduce((s, p) => s + p.lon, 0) / points.length,
      lat: points.reduce((s, p) => s + p.lat, 0) / points.length,
    };
    const { reportId } = await this.intake.submit({
      requestId: intakeRequestId(d.inspectionId, d.openedAt),
      category,
      location,
      description: `环卫检查不合格 ${facility.details.name}（${d.facilityId}）：${d.findings.join('；') || '不合格'}`.slice(0, 1000),
    });
    await this.service.execute(
      inspectionDecider,
      inspectionStreamId(d.inspectionId),
      { type: 'LinkReport', actor: LOOP_ACTOR, data: { openedAt: d.openedAt, reportId, category, at: this.service.now() } },
      { actor: LOOP_ACTOR, commandId: `intake-report:${reportId}`, correlationId: `intake-loop:${d.inspectionId}` },
    );
    return reportId;
  }

  /** Links intake's closure of a report back to its inspection; reports of others are not ours. */
  async closed(event: Pick<LoggedEvent, 'type' | 'data'>): Promise<boolean> {
    if (event.type !== INTAKE_REPORT_CLOSED) return false;
    const d = event.data as { reportId: string; caseId: string | null; closedAt: string };
    const link = await (await this.assessmentModels()).model<IntakeReportDoc>(ASSESSMENT_MODELS.intakeReports).get(d.reportId);
    if (!link) return false;
    try {
      await this.service.execute(
        inspectionDecider,
        inspectionStreamId(link.inspectionId),
        {
          type: 'LinkReportClosure',
          actor: LOOP_ACTOR,
          data: { reportId: d.reportId, caseId: d.caseId ?? '', closedAt: d.closedAt, at: this.service.now() },
        },
        { actor: LOOP_ACTOR, commandId: `intake-closure:${d.reportId}`, correlationId: `intake-loop:${link.inspectionId}` },
      );
    } catch (e) {
      // The rectification was withdrawn and reopened under another report since: this closure is history.
      if (e instanceof IllegalStateError) return false;
      throw e;
    }
    return true;
  }
}
