import { type Metadata } from '@grpc/grpc-js';
import { authed, requireRole, type GrpcServiceRegistration, type Principal } from '@yiwang/platform';
import { IntakeServiceService, type IntakeServiceServer } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { type CallMeta, type IntakeApplication } from '../../application/intake-application';
import { type CaseProgress } from '../../application/case-progress/case-progress';
import { crsFromProto, locationFromProto, reasonFromProto, reportToProto } from './proto-mapping';

/** Roles of the gRPC callers; the centre's decisions are checked by the domain itself. */
export const IntakeGrpcRoles = {
  inspector: 'inspector',
  cameraOperator: 'camera.operator',
  opscenter: 'opscenter',
} as const;

function meta(principal: Principal, metadata: Metadata): CallMeta {
  const traceparent = metadata.get('traceparent')[0];
  return { actor: principal, ...(typeof traceparent === 'string' ? { traceparent } : {}) };
}

/** `yiwang.intake.v1.IntakeService` on the application (and the reporter's view of each case, for GetReport). */
export function intakeGrpcService(
  intake: IntakeApplication,
  caseProgress: Readonly<{ forReport(reportId: string): Promise<CaseProgress | null> }>,
): GrpcServiceRegistration {
  const impl: IntakeServiceServer = {
    submitReport: authed(async (req, principal, call) => {
      requireRole(principal, IntakeGrpcRoles.inspector, IntakeGrpcRoles.cameraOperator);
      // A camera operator's report is a camera report even if the operator is also an inspector.
      const channel = principal.roles.includes(IntakeGrpcRoles.cameraOperator) ? 'camera' : 'inspector';
      const result = await intake.submit(
        {
          channel,
          category: req.categoryCode,
          location: locationFromProto(req.location),
          crs: crsFromProto(req.crs),
          description: req.description,
          photoRefs: req.photoRefs,
          ...(req.requestId ? { idempotencyKey: req.requestId } : {}),
        },
        meta(principal, call.metadata),
      );
      return { report: reportToProto(result.report) };
    }),

    getReport: authed(async (req) => {
      const view = await intake.get(req.reportId);
      return { report: reportToProto(view, await caseProgress.forReport(view.reportId)) };
    }),

    fileReport: authed(async (req, principal, call) => ({
      report: reportToProto(
        await intake.file(req.reportId, { ...(req.cellId ? { cellId: req.cellId } : {}), note: req.note }, meta(principal, call.metadata)),
      ),
    })),

    rejectReport: authed(async (req, principal, call) => ({
      report: reportToProto(
        await intake.reject(req.reportId, { reason: reasonFromProto(req.reason), note: req.note }, meta(principal, call.metadata)),
      ),
    })),

    submitWorkOrder: authed(async (req, principal, call) => {
      requireRole(principal, IntakeGrpcRoles.opscenter);
      const reporter =
        req.reporterName || req.reporterPhone
          ? { ...(req.reporterName ? { name: req.reporterName } : {}), ...(req.reporterPhone ? { phone: req.reporterPhone } : {}) }
          : undefined;
      const result = await intake.submit(
        {
          channel: 'opscenter',
          externalId: req.externalId,
          category: req.categoryCode,
          location: locationFromProto(req.location),
          crs: crsFromProto(req.crs),
          description: req.description,
          photoRefs: req.photoRefs,
          ...(reporter ? { reporter } : {}),
          ...(req.household ? { household: req.household } : {}),
        },
        meta(principal, call.metadata),
      );
      return { report: reportToProto(result.report), created: result.created };
    }),
  };
  return { definition: IntakeServiceService, implementation: impl };
}
