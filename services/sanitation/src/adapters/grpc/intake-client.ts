import { status, type ServiceError } from '@grpc/grpc-js';
import { UnavailableError } from '@yiwang/kernel-core';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import { Crs, IntakeServiceClient, ReportStatus } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { type IntakeReports } from '../../application/intake-loop';

/** Sanitation's own account towards intake: a system client with the inspector role (the inspector channel). */
export const SANITATION_INTAKE_PRINCIPAL: Principal = {
  subject: 'sanitation',
  department: 'system.sanitation',
  roles: ['inspector'],
};

/** Intake's public SubmitReport, idempotent by `request_id`, with a short-lived token of its own. */
export class GrpcIntakeReports implements IntakeReports {
  private readonly client: IntakeServiceClient;

  constructor(address: string, jwtSecret: string) {
    let cached: { token: string; until: number } | null = null;
    const token = async (): Promise<string> => {
      if (cached && cached.until > Date.now()) return cached.token;
      cached = {
        token: await signToken(SANITATION_INTAKE_PRINCIPAL, { secret: jwtSecret, expiresInSec: 600 }),
        until: Date.now() + 540_000,
      };
      return cached.token;
    };
    this.client = createGrpcClient(IntakeServiceClient, address, { token, defaultDeadlineMs: 10_000 });
  }

  async submit(r: Parameters<IntakeReports['submit']>[0]): Promise<{ reportId: string; status: string }> {
    try {
      const res = await callUnary(this.client.submitReport.bind(this.client), {
        categoryCode: r.category,
        location: { latitude: r.location.lat, longitude: r.location.lon },
        crs: Crs.CRS_WGS84,
        description: r.description,
        photoRefs: [],
        requestId: r.requestId,
      });
      if (!res.report) throw new Error('intake answered without a report');
      return { reportId: res.report.reportId, status: ReportStatus[res.report.status] ?? 'unknown' };
    } catch (e) {
      const err = e as Partial<ServiceError>;
      if (err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED)
        throw new UnavailableError('intake is not reachable right now; the hand-off is retried with the same request id');
      throw e;
    }
  }

  close(): void {
    this.client.close();
  }
}
