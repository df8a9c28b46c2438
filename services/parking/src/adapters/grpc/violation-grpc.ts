import { uuidv7 } from '@yiwang/kernel-core';
import { authed } from '@yiwang/platform';
import type * as api from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { type ParkingApp } from '../../application/parking-app';
import { type Actor, type ViolationCommand } from '../../domain';
import { type CameraIngest } from '../../application/camera-ingest';
import { type ParkingQueries, type ViolationView } from '../../application/queries';
import { type DispatchLink } from '../../application/dispatch-link';
import { vehicleSubject } from '../../application/plate-keys';
import { actorOf, commandMethod, optionsOf, toCommandResponse } from './command';

export interface ViolationGrpcDeps {
  readonly app: ParkingApp;
  readonly ingest: CameraIngest;
  readonly queries: ParkingQueries;
  readonly dispatchLink: DispatchLink;
}

export function toViolationView(v: ViolationView): api.ViolationView {
  return {
    violationId: v.violationId,
    status: v.status,
    source: v.source,
    cameraId: v.cameraId,
    kind: v.kind,
    squad: v.squad,
    district: v.district,
    cellId: v.cellId,
    road: v.road,
    observedAt: v.observedAt,
    plate: v.plate,
    vehicleType: v.vehicleType,
    fine: v.fine,
    deadline: v.deadline,
    outcome: v.outcome,
    towed: v.towed,
    surcharge: v.surcharge,
    photoCount: v.photoCount,
    version: v.version,
    dispatchCaseId: v.dispatchCaseId,
  };
}

const opt = (n: number | undefined): number | null => (n === undefined ? null : n);

/** The violation methods of `yiwang.parking.v1.ParkingService`. */
export function violationMethods({ app, ingest, queries, dispatchLink }: ViolationGrpcDeps) {
  const simple = <Req extends { violationId: string; commandId: string; expectedVersion?: number | undefined }>(
    build: (req: Req, actor: Actor, at: string) => ViolationCommand,
  ) =>
    commandMethod<Req>(async (req, actor) =>
      toCommandResponse(req.violationId, await app.violation(req.violationId, (at) => build(req, actor, at), optionsOf(req, actor))),
    );

  return {
    recordViolation: commandMethod<api.RecordViolationRequest>(async (r, actor) => {
      const id = r.violationId || `V-${uuidv7()}`;
      const location = app.locate(r.lat, r.lon, r.road);
      const space = await app.spaceFacts(r.spaceId);
      // Answering a dispatch case is checked before anything is stored: the case must be this squad's and open.
      if (r.dispatchCaseId !== '') await dispatchLink.requireAnswerable(r.dispatchCaseId, r.squad);
      const vehicle = await app.vehicle(r.plate, r.vehicleType);
      const result = await app.violation(
        id,
        (at) => ({
          type: 'RecordViolation',
          actor,
          data: {
            violationId: id,
            source: 'officer',
            camera: null,
            cameraId: '',
            vehicle,
            location,
            kind: r.kind,
            space,
            parkedSince: r.parkedSince,
            observedAt: r.observedAt || at,
            photoRefs: r.photoRefs,
            squad: r.squad,
            obstructing: r.obstructing,
            dispatchCaseId: r.dispatchCaseId,
            at,
          },
        }),
        optionsOf(r, actor),
      );
      return toCommandResponse(id, result);
    }),
    recordCameraSightings: authed<api.RecordCameraSightingsRequest, api.RecordCameraSightingsResponse>(async (r, principal) => {
      const result = await ingest.record(r.batchId, r.sightings, actorOf(principal));
      return { stored: result.stored, findings: result.findings, violationIds: result.violationIds, merged: result.merged };
    }),
    warnDriver: simple<api.WarnDriverRequest>((r, actor, at) => ({ type: 'WarnDriver', actor, data: { complied: r.complied, at } })),
    issueNotice: simple<api.IssueNoticeRequest>((r, actor, at) => ({
      type: 'IssueNotice',
      actor,
      data: { noticeNo: r.noticeNo, fine: opt(r.fine), at },
    })),
    servePriorNotice: simple<api.ServePriorNoticeRequest>((r, actor, at) => ({
      type: 'ServePriorNotice',
      actor,
      data: { noticeNo: r.noticeNo, at },
    })),
    orderTowing: simple<api.OrderTowingRequest>((r, actor, at) => ({
      type: 'OrderTowing',
      actor,
      data: { depot: r.depot, reason: r.reason, ownerToldBy: r.ownerToldBy, at },
    })),
    decidePenalty: simple<api.DecidePenaltyRequest>((r, actor, at) => ({
      type: 'DecidePenalty',
      actor,
      data: { decisionNo: r.decisionNo, fine: opt(r.fine), at },
    })),
    recordPayment: simple<api.RecordPaymentRequest>((r, actor, at) => ({ type: 'RecordPayment', actor, data: { amount: r.amount, at } })),
    transferToTrafficPolice: simple<api.TransferToTrafficPoliceRequest>((r, actor, at) => ({
      type: 'TransferToTrafficPolice',
      actor,
      data: { handoverRef: r.handoverRef, at },
    })),
    closeViolation: simple<api.CloseViolationRequest>((r, actor, at) => ({
      type: 'CloseViolation',
      actor,
      data: { outcome: r.outcome, note: r.note, at },
    })),
    eraseViolationPersonalData: commandMethod<api.EraseViolationPersonalDataRequest>(async (r, actor) => {
      const result = await app.violation(
        r.violationId,
        (at) => ({ type: 'EraseViolationPersonalData', actor, data: { at } }),
        optionsOf(r, actor),
      );
      // After the decider authorised it: the vehicle's key goes, and with it every sealed copy of its plate.
      if (result.state.status !== 'none') await app.deps.vault.erase(vehicleSubject(result.state.plateHash));
      return toCommandResponse(r.violationId, result);
    }),
    getViolation: authed<api.GetViolationRequest, api.GetViolationResponse>(async (r, principal) => ({
      violation: toViolationView(await queries.violation(r.violationId, actorOf(principal))),
    })),
    getPlateHistory: authed<api.GetPlateHistoryRequest, api.GetPlateHistoryResponse>(async (r, principal) => ({
      violations: (await queries.plateHistory(r.plate, actorOf(principal))).map(toViolationView),
    })),
  };
}
