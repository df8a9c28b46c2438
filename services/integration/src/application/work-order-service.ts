import { caseIdForReport } from '@yiwang/contracts';
import { IllegalStateError } from '@yiwang/kernel-core';
import { validateWorkOrder, type CategoryCodeTable, type WorkOrderInput } from '../domain';
import type { Clock } from '@yiwang/kernel-core';
import type { IntakeWorkOrders } from './ports';
import { type SyncService } from './sync-service';

export interface AcceptedWorkOrder {
  readonly caseId: string;
  readonly reportId: string;
  readonly created: boolean;
}

/**
 * Inbound: a work order of the centre becomes a report in intake exactly once (intake is
 * idempotent by external id, also under concurrent sends), and its case is linked to the centre.
 * Validation comes first, so a refused order leaves nothing behind.
 */
export class WorkOrderService {
  constructor(private readonly deps: { intake: IntakeWorkOrders; sync: SyncService; codeTable: CategoryCodeTable; clock: Clock }) {}

  async submit(input: WorkOrderInput): Promise<AcceptedWorkOrder> {
    const order = validateWorkOrder(input, this.deps.codeTable, this.deps.clock.now());
    const report = await this.deps.intake.submitWorkOrder(order);
    if (report.status === 'rejected')
      throw new IllegalStateError(`work order ${order.externalId} was not accepted by the bureau (report ${report.reportId} rejected)`, {
        reportId: report.reportId,
      });
    // A merged order is handled by the case of the report it duplicates.
    const caseId =
      report.status === 'duplicate'
        ? report.caseId || caseIdForReport(report.masterReportId ?? report.reportId)
        : caseIdForReport(report.reportId);
    await this.deps.sync.link({
      caseId,
      reportId: report.reportId,
      externalId: order.externalId,
      centreDeadline: order.deadline?.toISOString() ?? null,
      centreCategory: order.centreCategory,
    });
    return { caseId, reportId: report.reportId, created: report.created };
  }
}
