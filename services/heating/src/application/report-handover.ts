import { caseIdForReport } from '@yiwang/contracts';
import { IllegalStateError, type LoggedEvent } from '@yiwang/kernel-core';
import { type Actor } from '../domain';
import { type ComplaintService } from './complaint-service';

/** Heating lodges a handed-over report as the 12345 / citizen intake link would. */
export const REPORT_LINK_ACTOR: Actor = { subject: 'heating-report-link', department: 'system.heating', roles: ['heating.intake'] };

export const REPORT_FILED = 'intake.report.filed.v1';

type Handover = Readonly<{
  service: string;
  household?: Readonly<{ compound: string; building: string; unit: string; room: string }>;
  description: string;
  channel: string;
}>;

/** Intake's channels as heating counts them: the operations centre's orders are 12345 calls. */
const CHANNEL: Readonly<Record<string, string>> = { opscenter: 'hotline', hotline: 'hotline', citizen: 'citizen' };

/**
 * A report intake filed and handed to heating (`handover.service = heating`) becomes a complaint,
 * named by the report's case id (the id the operations centre got back for its order), with the
 * report id as `externalRef`. Exactly once: the command id is the report's, and a complaint that
 * exists already (the filing published again) is left alone.
 */
export function reportHandoverHandler(complaints: ComplaintService): (event: LoggedEvent) => Promise<void> {
  return async (event) => {
    if (event.type !== REPORT_FILED) return;
    const d = (event.data ?? {}) as { reportId?: string; handover?: Handover };
    const h = d.handover;
    if (h?.service !== 'heating' || !h.household || !d.reportId) return;
    const { compound, building, unit, room } = h.household;
    try {
      await complaints.receive(
        {
          complaintId: caseIdForReport(d.reportId),
          householdId: `${compound}:${building}-${unit}-${room}`,
          channel: CHANNEL[h.channel] ?? 'supervision',
          description: h.description,
          // The caller's contact stays with intake's report (sealed there); heating reaches the flat by its address.
          contact: null,
          externalRef: d.reportId,
        },
        { actor: REPORT_LINK_ACTOR, commandId: `report:${d.reportId}`, correlationId: event.correlationId },
      );
    } catch (e) {
      if (e instanceof IllegalStateError) return;
      throw e;
    }
  };
}
