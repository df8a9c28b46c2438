import { authed, type Principal } from '@yiwang/platform';
import { ValidationError, type HandleResult } from '@yiwang/kernel-core';
import {
  SanitationServiceService,
  type CommandResponse,
  type InspectionInput,
  type SanitationServiceServer,
} from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import {
  deviceDecider,
  deviceStreamId,
  facilityDecider,
  facilityStreamId,
  inspectionDecider,
  inspectionStreamId,
  type Actor,
  type InspectionInput as DomainInspectionInput,
} from '../../domain';
import { type SanitationService } from '../../application/sanitation-service';
import { type SanitationCommands } from '../../application/commands';
import { type SanitationQueries } from '../../application/queries';
import { fromPbFacility, toPbFacility } from '../kafka/sanitation-event-codec';
import { toInspectionResponse, toRankingResponse } from './proto-mapping';

export interface SanitationGrpcDeps {
  readonly service: SanitationService;
  readonly commands: SanitationCommands;
  readonly queries: SanitationQueries;
}

/** The caller as the deciders see it: whatever the verified token says, nothing from the request. */
export const actorOf = (p: Principal): Actor => ({ subject: p.subject, department: p.department, roles: [...p.roles] });

function expected(v: number | undefined): number | undefined {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 0))
    throw new ValidationError('expected_version must be a non-negative integer', [{ field: 'expectedVersion', message: String(v) }]);
  return v;
}

const response = (r: HandleResult<{ status: string }>): CommandResponse => ({
  streamId: r.streamId,
  version: r.version,
  status: r.state.status,
  eventTypes: r.events.map((e) => e.type),
  replayed: r.replayed,
});

/** Protobuf gives every field a default; the deciders want to see what was actually sent. */
export function inputOf(i: InspectionInput | undefined): DomainInspectionInput {
  if (!i) return {};
  return {
    samples: i.samples.map((s) => ({ point: s.point, grams: s.grams, frameAreaM2: s.frameAreaM2 })),
    ...(i.toilet ? { toilet: { ...i.toilet, failedItems: [...i.toilet.failedItems] } } : {}),
    failedItems: [...i.failedItems],
  };
}

/**
 * `yiwang.sanitation.v1.SanitationService`: each command becomes a domain command with the caller
 * as actor and the service clock's time; the deciders authorise and validate, and the platform
 * maps their errors to statuses (VALIDATION → INVALID_ARGUMENT, FORBIDDEN → PERMISSION_DENIED,
 * ILLEGAL_STATE → FAILED_PRECONDITION, CONCURRENCY → ABORTED, NOT_FOUND → NOT_FOUND).
 */
export function sanitationGrpcService(deps: SanitationGrpcDeps) {
  const { service, commands, queries } = deps;
  const std = service.standards;
  const opts = (actor: Actor, r: { commandId: string; expectedVersion?: number | undefined }) => ({
    actor,
    commandId: r.commandId || undefined,
    expectedVersion: expected(r.expectedVersion),
  });
  const inspectionCommand = async (
    r: { inspectionId: string; commandId: string; expectedVersion?: number | undefined },
    actor: Actor,
    build: (at: string, deadline: string) => Parameters<typeof inspectionDecider.decide>[0],
  ) => {
    const at = service.now();
    return response(
      await service.execute(
        inspectionDecider,
        inspectionStreamId(r.inspectionId),
        build(at, service.rectificationDeadline(at)),
        opts(actor, r),
      ),
    );
  };

  const implementation: SanitationServiceServer = {
    registerFacility: authed(async (r, p) => {
      const actor = actorOf(p);
      const details = fromPbFacility(r.facility);
      return response(
        await service.execute(
          facilityDecider,
          facilityStreamId(String(details.facilityId ?? '')),
          { type: 'RegisterFacility', actor, data: { details, standards: std, at: service.now() } },
          opts(actor, r),
        ),
      );
    }),
    updateFacility: authed(async (r, p) => {
      const actor = actorOf(p);
      const details = fromPbFacility(r.facility);
      return response(
        await service.execute(
          facilityDecider,
          facilityStreamId(String(details.facilityId ?? '')),
          { type: 'UpdateFacility', actor, data: { details, standards: std, at: service.now() } },
          opts(actor, r),
        ),
      );
    }),
    retireFacility: authed(async (r, p) => {
      const actor = actorOf(p);
      return response(
        await service.execute(
          facilityDecider,
          facilityStreamId(r.facilityId),
          { type: 'RetireFacility', actor, data: { reason: r.reason, at: service.now() } },
          opts(actor, r),
        ),
      );
    }),
    importFacilities: authed(async (r, p) => {
      const s = await commands.importFacilities(r.format, r.content, actorOf(p));
      return {
        registered: s.registered,
        updated: s.updated,
        unchanged: s.unchanged,
        rejected: s.rejected.map((x) => ({ row: x.row, facilityId: x.facilityId, errors: [...x.errors] })),
      };
    }),
    registerDevice: authed(async (r, p) => {
      const actor = actorOf(p);
      return response(
        await service.execute(
          deviceDecider,
          deviceStreamId(r.deviceId),
          { type: 'RegisterDevice', actor, data: { deviceId: r.deviceId, kind: r.kind, contractor: r.contractor, at: service.now() } },
          { actor },
        ),
      );
    }),
    recordWork: authed(async (r, p) => {
      const result = await commands.recordWork(
        r.records.map((x) => ({ ...x })),
        actorOf(p),
      );
      return { accepted: result.accepted, duplicates: result.duplicates, taskIds: result.taskIds };
    }),
    closeDay: authed(async (r, p) => {
      const result = await commands.closeDay(r.day, actorOf(p));
      return { closed: result.closed, missingRuns: result.missingRuns };
    }),
    recordInspection: authed(async (r, p) => {
      const actor = actorOf(p);
      const facility = await service.facilityRef(r.facilityId);
      return inspectionCommand(r, actor, (at, rectificationDeadline) => ({
        type: 'RecordInspection',
        actor,
        data: {
          inspectionId: r.inspectionId,
          facility,
          input: inputOf(r.input),
          standards: std,
          rectificationDeadline,
          at,
          ...(r.inspectedAt ? { inspectedAt: r.inspectedAt } : {}),
        },
      }));
    }),
    amendInspection: authed(async (r, p) => {
      const actor = actorOf(p);
      return inspectionCommand(r, actor, (at, rectificationDeadline) => ({
        type: 'AmendInspection',
        actor,
        data: { input: inputOf(r.input), standards: std, rectificationDeadline, at },
      }));
    }),
    correctInspection: authed(async (r, p) => {
      const actor = actorOf(p);
      return inspectionCommand(r, actor, (at, rectificationDeadline) => ({
        type: 'CorrectInspection',
        actor,
        data: { input: inputOf(r.input), reason: r.reason, standards: std, rectificationDeadline, at },
      }));
    }),
    completeRectification: authed(async (r, p) => {
      const actor = actorOf(p);
      return inspectionCommand(r, actor, (at) => ({ type: 'CompleteRectification', actor, data: { note: r.note, at } }));
    }),
    getFacility: authed(async (r, p) => {
      const doc = await queries.facility(r.facilityId, actorOf(p));
      return { facility: toPbFacility(doc.details), status: doc.status, version: doc.version };
    }),
    getInspection: authed(async (r, p) => toInspectionResponse(await queries.inspection(r.inspectionId, actorOf(p)))),
    getRanking: authed(async (r, p) => toRankingResponse(await queries.ranking(r.period, r.dimension, actorOf(p)))),
  };
  return { definition: SanitationServiceService, implementation };
}
