import { authed } from '@yiwang/platform';
import { ValidationError } from '@yiwang/kernel-core';
import type * as api from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { TableDimension } from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { type Actor, type ObstructionCommand, type SpaceCommand } from '../../domain';
import { type ParkingApp } from '../../application/parking-app';
import { type ParkingQueries } from '../../application/queries';
import { ownerSubject } from '../../application/plate-keys';
import { actorOf, commandMethod, optionsOf, toCommandResponse } from './command';

const locationOf = (app: ParkingApp, l: api.Location | undefined) => {
  if (!l) throw new ValidationError('location is required', [{ field: 'location', message: 'missing' }]);
  return app.locate(l.lat, l.lon, l.road);
};

/** The obstruction (拔桩拆锁), space register and table methods of `yiwang.parking.v1.ParkingService`. */
export function obstructionMethods({ app, queries }: { app: ParkingApp; queries: ParkingQueries }) {
  const simple = <Req extends { obstructionId: string; commandId: string; expectedVersion?: number | undefined }>(
    build: (req: Req, actor: Actor, at: string) => ObstructionCommand,
  ) =>
    commandMethod<Req>(async (req, actor) =>
      toCommandResponse(req.obstructionId, await app.obstruction(req.obstructionId, (at) => build(req, actor, at), optionsOf(req, actor))),
    );
  const space = <Req extends { spaceId: string; commandId: string }>(build: (req: Req, actor: Actor, at: string) => SpaceCommand) =>
    commandMethod<Req>(async (req, actor) =>
      toCommandResponse(req.spaceId, await app.space(req.spaceId, (at) => build(req, actor, at), optionsOf(req, actor))),
    );

  return {
    surveyObstruction: commandMethod<api.SurveyObstructionRequest>(async (r, actor) => {
      const location = locationOf(app, r.location);
      const owner = r.owner.trim();
      if (owner.length > 200) throw new ValidationError('owner must be at most 200 characters', [{ field: 'owner', message: 'too long' }]);
      const result = await app.obstruction(
        r.obstructionId,
        async (at) => ({
          type: 'SurveyObstruction',
          actor,
          data: {
            obstructionId: r.obstructionId,
            kind: r.kind,
            location,
            photoRefs: r.photoRefs,
            squad: r.squad,
            campaign: r.campaign,
            blocksRoad: r.blocksRoad,
            at,
            ownerSealed: owner === '' ? '' : await app.deps.vault.seal(ownerSubject(r.obstructionId), owner),
          },
        }),
        optionsOf(r, actor),
      );
      return toCommandResponse(r.obstructionId, result);
    }),
    orderRemoval: simple<api.OrderRemovalRequest>((r, actor, at) => ({
      type: 'OrderRemoval',
      actor,
      data: { orderNo: r.orderNo, removeBy: r.removeBy || null, at },
    })),
    serveRemovalReminder: simple<api.ServeRemovalReminderRequest>((r, actor, at) => ({
      type: 'ServeRemovalReminder',
      actor,
      data: { scheduledRemovalAt: r.scheduledRemovalAt, at },
    })),
    recordRemoval: simple<api.RecordRemovalRequest>((r, actor, at) => ({
      type: 'RecordRemoval',
      actor,
      data: { by: r.by, costYuan: r.costYuan, at },
    })),
    removeImmediately: simple<api.RemoveImmediatelyRequest>((r, actor, at) => ({
      type: 'RemoveImmediately',
      actor,
      data: { reason: r.reason, costYuan: r.costYuan, at },
    })),
    imposeObstructionFine: simple<api.ImposeObstructionFineRequest>((r, actor, at) => ({
      type: 'ImposeObstructionFine',
      actor,
      data: { decisionNo: r.decisionNo, amount: r.amount, at },
    })),
    eraseObstructionPersonalData: commandMethod<api.EraseObstructionPersonalDataRequest>(async (r, actor) => {
      const result = await app.obstruction(
        r.obstructionId,
        (at) => ({ type: 'EraseObstructionPersonalData', actor, data: { at } }),
        optionsOf(r, actor),
      );
      await app.deps.vault.erase(ownerSubject(r.obstructionId));
      return toCommandResponse(r.obstructionId, result);
    }),
    getObstruction: authed<api.GetObstructionRequest, api.GetObstructionResponse>(async (r, principal) => {
      const d = await queries.obstruction(r.obstructionId, actorOf(principal));
      return {
        obstructionId: d.obstructionId,
        status: d.status,
        kind: d.kind,
        squad: d.squad,
        district: d.district,
        removeBy: d.removeBy,
        scheduledRemovalAt: d.scheduledRemovalAt,
        overdue: d.overdue,
        removedBy: d.removedBy,
        costYuan: d.costYuan,
        version: d.version,
      };
    }),
    markSpace: space<api.MarkSpaceRequest>((r, actor, at) => ({
      type: 'MarkSpace',
      actor,
      data: {
        spaceId: r.spaceId,
        kind: r.kind,
        location: locationOf(app, r.location),
        bays: r.bays,
        maxMinutes: r.maxMinutes,
        windows: r.windows,
        at,
      },
    })),
    changeTidalWindows: space<api.ChangeTidalWindowsRequest>((r, actor, at) => ({
      type: 'ChangeTidalWindows',
      actor,
      data: { windows: r.windows, at },
    })),
    removeSpace: space<api.RemoveSpaceRequest>((r, actor, at) => ({ type: 'RemoveSpace', actor, data: { reason: r.reason, at } })),
    getWeeklyTable: authed<api.GetWeeklyTableRequest, api.GetWeeklyTableResponse>(async (r) => {
      const dimension = r.dimension === TableDimension.TABLE_DIMENSION_SQUAD ? 'squad' : 'district';
      const { weekStart, rows } = await queries.weeklyTable(dimension, r.weekOf || undefined);
      return {
        weekStart,
        rows: rows.map((x) => ({
          key: x.key,
          recorded: x.counts.recorded,
          movedOn: x.counts.movedOn,
          notices: x.counts.notices,
          penalties: x.counts.penalties,
          paid: x.counts.paid,
          transferred: x.counts.transferred,
          towed: x.counts.towed,
          removals: x.counts.removals,
          priorNotices: x.counts.priorNotices,
          rank: x.rank,
          change: x.change,
          removedLocks: x.counts.removedLocks,
          removedPosts: x.counts.removedPosts,
          removedBarriers: x.counts.removedBarriers,
        })),
      };
    }),
  };
}
