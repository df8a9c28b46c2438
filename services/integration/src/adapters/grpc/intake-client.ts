import { status, type ServiceError } from '@grpc/grpc-js';
import { UnavailableError, ValidationError } from '@yiwang/kernel-core';
import { callUnary, createGrpcClient, signToken, violationsOf, type Principal } from '@yiwang/platform';
import { Crs, IntakeServiceClient, ReportStatus } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { type WorkOrder } from '../../domain';
import { type IntakeWorkOrders } from '../../application/ports';

/** Integration acts towards intake as the operations centre's system account. */
export const INTEGRATION_PRINCIPAL: Principal = { subject: 'integration', department: 'system.integration', roles: ['opscenter'] };

const STATUS: Record<number, 'filed' | 'awaiting_filing' | 'duplicate' | 'rejected' | 'closed'> = {
  [ReportStatus.REPORT_STATUS_AWAITING_FILING]: 'awaiting_filing',
  [ReportStatus.REPORT_STATUS_FILED]: 'filed',
  [ReportStatus.REPORT_STATUS_REJECTED]: 'rejected',
  [ReportStatus.REPORT_STATUS_DUPLICATE]: 'duplicate',
  [ReportStatus.REPORT_STATUS_CLOSED]: 'closed',
};

/** Intake's SubmitWorkOrder (idempotent by external id) with a short-lived service token. */
export class GrpcIntakeWorkOrders implements IntakeWorkOrders {
  private readonly client: IntakeServiceClient;

  constructor(address: string, jwtSecret: string) {
    let cached: { token: string; until: number } | null = null;
    const token = async (): Promise<string> => {
      if (cached && cached.until > Date.now()) return cached.token;
      cached = { token: await signToken(INTEGRATION_PRINCIPAL, { secret: jwtSecret, expiresInSec: 600 }), until: Date.now() + 540_000 };
      return cached.token;
    };
    this.client = createGrpcClient(IntakeServiceClient, address, { token, defaultDeadlineMs: 10_000 });
  }

  async submitWorkOrder(order: WorkOrder) {
    try {
      const res = await callUnary(this.client.submitWorkOrder.bind(this.client), {
        externalId: order.externalId,
        categoryCode: order.category,
        location: { latitude: order.location.lat, longitude: order.location.lon },
        crs: order.crs === 'gcj02' ? Crs.CRS_GCJ02 : order.crs === 'bd09' ? Crs.CRS_BD09 : Crs.CRS_WGS84,
        description: order.description,
        photoRefs: [],
        reporterName: order.contact?.name ?? '',
        reporterPhone: order.contact?.phone ?? '',
        household: order.household,
      });
      const r = res.report;
      if (!r) throw new Error('intake answered without a report');
      return {
        reportId: r.reportId,
        created: res.created,
        status: STATUS[r.status] ?? 'awaiting_filing',
        caseId: r.caseId || null,
        masterReportId: r.masterReportId || null,
      };
    } catch (e) {
      const err = e as Partial<ServiceError>;
      // Intake's refusals are written for callers: pass them on to the centre as they are.
      if (err.code === status.INVALID_ARGUMENT)
        throw new ValidationError(`refused by intake: ${err.details ?? ''}`, err.metadata ? violationsOf(err as ServiceError) : []);
      if (err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED)
        throw new UnavailableError('intake is not reachable right now; retry with the same external_id');
      throw e;
    }
  }

  close(): void {
    this.client.close();
  }
}
