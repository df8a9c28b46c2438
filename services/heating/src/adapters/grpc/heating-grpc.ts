import { authed, type Principal } from '@yiwang/platform';
import { ValidationError, type HandleResult } from '@yiwang/kernel-core';
import * as api from '@yiwang/proto/yiwang/heating/v1/heating_service';
import { type Actor, type ComplaintCommand, type ComplaintState } from '../../domain';
import { type CommandContext, type ComplaintService } from '../../application/complaint-service';
import { type ContactView, type HeatingQueries } from '../../application/queries';
import { type ComplaintSummary } from '../../application/projections/complaint-views';
import { type CompanySeasonDoc } from '../../application/projections/company-season';

const actorOf = (p: Principal): Actor => ({ subject: p.subject, department: p.department, roles: [...p.roles] });

const toResponse = (complaintId: string, r: HandleResult<ComplaintState>): api.ComplaintCommandResponse => ({
  complaintId,
  version: r.version,
  status: r.state.status,
  eventTypes: r.events.map((e) => e.type),
  replayed: r.replayed,
});

export function toComplaintView(s: ComplaintSummary, contact: ContactView = null): api.ComplaintView {
  return {
    complaintId: s.complaintId,
    status: s.status,
    householdId: s.householdId,
    companyId: s.companyId,
    channel: s.channel,
    receivedAt: s.receivedAt,
    limit: s.limit,
    deadline: s.deadline,
    overdue: s.overdue,
    supervisionCount: s.supervisionCount,
    lowestDeci: s.lowestDeci ?? 0,
    refundCents: s.refundCents,
    outcome: s.outcome,
    version: s.version,
    contactName: contact?.name ?? '',
    contactPhone: contact?.phone ?? '',
    address: contact?.address ?? '',
    personalDataErased: s.personalDataErased,
  };
}

const toSeason = (d: CompanySeasonDoc): api.GetCompanySeasonResponse => ({ ...d, refunds: d.refunds.map((r) => ({ ...r })) });

type CommandRequest = { readonly complaintId: string; readonly expectedVersion?: number | undefined; readonly commandId: string };

/**
 * `yiwang.heating.v1.HeatingService`: each command method builds a domain command with the caller
 * as actor and the service clock's time; the decider authorises and validates, the platform maps
 * its errors (FORBIDDEN → PERMISSION_DENIED, VALIDATION → INVALID_ARGUMENT, CONCURRENCY → ABORTED,
 * ILLEGAL_STATE → FAILED_PRECONDITION, NOT_FOUND → NOT_FOUND).
 */
export function heatingGrpcService(deps: {
  complaints: ComplaintService;
  queries: HeatingQueries;
  onErased: (complaintId: string) => Promise<void>;
}) {
  const { complaints, queries } = deps;

  const command = <Req extends CommandRequest>(build: (req: Req, actor: Actor, ctx: CommandContext) => ComplaintCommand) =>
    authed<Req, api.ComplaintCommandResponse>(async (req, principal) => {
      const actor = actorOf(principal);
      if (req.expectedVersion !== undefined && (!Number.isSafeInteger(req.expectedVersion) || req.expectedVersion < 0)) {
        throw new ValidationError('expected_version must be a non-negative integer', [
          { field: 'expectedVersion', message: String(req.expectedVersion) },
        ]);
      }
      const result = await complaints.execute(req.complaintId, (ctx) => build(req, actor, ctx), {
        actor,
        expectedVersion: req.expectedVersion,
        commandId: req.commandId || undefined,
      });
      return toResponse(req.complaintId, result);
    });

  const implementation: api.HeatingServiceServer = {
    receiveComplaint: authed(async (r, principal) => {
      const actor = actorOf(principal);
      const result = await complaints.receive(
        {
          complaintId: r.complaintId,
          householdId: r.householdId,
          channel: r.channel,
          description: r.description,
          contact: { name: r.contactName, phone: r.contactPhone, address: r.address },
          externalRef: r.externalRef,
        },
        { actor, commandId: r.commandId || undefined },
      );
      return toResponse(r.complaintId, result);
    }),
    acknowledge: command((_r, actor, { at }) => ({ type: 'Acknowledge', actor, data: { at } })),
    recordMeasurement: command((r: api.RecordMeasurementRequest, actor, { at }) => ({
      type: 'RecordMeasurement',
      actor,
      data: {
        rooms: r.rooms.map((x) => ({ room: x.room, roomType: x.roomType, celsius: x.celsius })),
        method: { doorsClosedMinutes: r.doorsClosedMinutes, position: r.position, heightCm: r.heightCm },
        residentResponse: r.residentResponse,
        ...(r.cause ? { cause: r.cause } : {}),
        note: r.note,
        photoRefs: r.photoRefs,
        fixDeadline: complaints.deadline(at, 'fix'),
        at,
      },
    })),
    orderThirdPartyMeasurement: command((r: api.OrderThirdPartyMeasurementRequest, actor, { at }) => ({
      type: 'OrderThirdPartyMeasurement',
      actor,
      data: { labId: r.labId, note: r.note, at },
    })),
    reportFix: command((r: api.ReportFixRequest, actor, { at }) => ({
      type: 'ReportFix',
      actor,
      data: { notes: r.notes, photoRefs: r.photoRefs, at },
    })),
    approveRefund: command((r: api.ApproveRefundRequest, actor, { at }) => ({ type: 'ApproveRefund', actor, data: { note: r.note, at } })),
    erasePersonalData: authed(async (r, principal) => {
      const actor = actorOf(principal);
      const result = await complaints.execute(r.complaintId, ({ at }) => ({ type: 'ErasePersonalData', actor, data: { at } }), {
        actor,
        commandId: r.commandId || undefined,
      });
      // The decider authorised it; deleting the key makes every copy of the contact unreadable.
      await deps.onErased(r.complaintId);
      return toResponse(r.complaintId, result);
    }),
    getComplaint: authed(async (r, principal) => {
      const { contact, ...summary } = await queries.complaint(r.complaintId, actorOf(principal));
      return { complaint: toComplaintView(summary, contact) };
    }),
    listOpenComplaints: authed(async (r, principal) => ({
      complaints: (await queries.openComplaints(r.companyId, actorOf(principal))).map((s) => toComplaintView(s)),
    })),
    getCompanySeason: authed(async (r, principal) => toSeason(await queries.companySeason(r.companyId, actorOf(principal)))),
  };
  return { definition: api.HeatingServiceService, implementation };
}
