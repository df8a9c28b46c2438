import { type ServerWritableStream } from '@grpc/grpc-js';
import { NotFoundError, Wakeup, type EventStore } from '@yiwang/kernel-core';
import { unary, type GrpcServiceRegistration } from '@yiwang/platform';
import {
  CaseLinkServiceService,
  type CaseLinkServiceServer,
  type SubscribeCaseUpdatesRequest,
  type SubscribeCaseUpdatesResponse,
} from '@yiwang/proto/yiwang/opscenter/v1/case_link_service';
import { type CategoryCodeTable } from '../../domain';
import { type SyncService } from '../../application/sync-service';
import { type WorkOrderService } from '../../application/work-order-service';
import { decodeCursor, updatesAfter } from '../../application/update-feed';
import { requirePeer } from './mtls';
import { updateToProto, workOrderFromProto } from './proto-mapping';

export interface CaseLinkDeps {
  readonly workOrders: WorkOrderService;
  readonly sync: SyncService;
  readonly store: EventStore;
  readonly codeTable: CategoryCodeTable;
  /** Subject CNs of the centre's client certificates. */
  readonly centreIdentities: readonly string[];
  /** Registers a listener for new log entries (the store's `onLogAdvanced`); returns the unsubscribe. */
  readonly onLogAdvanced: (listener: () => void) => () => void;
  /** Poll interval of idle subscriptions (a wake-up cuts it short). */
  readonly feedPollMs: number;
}

/** Every method path of the service: served without bearer tokens, since mTLS authenticates the centre. */
export const CASE_LINK_METHODS = Object.values(CaseLinkServiceService).map((m) => m.path);

/** `yiwang.opscenter.v1.CaseLinkService`: the centre calling Yiwang. */
export function caseLinkGrpcService(deps: CaseLinkDeps): GrpcServiceRegistration {
  const impl: CaseLinkServiceServer = {
    submitWorkOrder: unary(async (req, _ctx, call) => {
      requirePeer(call, deps.centreIdentities);
      const accepted = await deps.workOrders.submit(workOrderFromProto(req));
      return { caseId: accepted.caseId, reportId: accepted.reportId, created: accepted.created };
    }),

    getCaseStatus: unary(async (req, _ctx, call) => {
      requirePeer(call, deps.centreIdentities);
      const { state } = await deps.sync.state(req.caseId);
      if (!state.link) throw new NotFoundError(`case ${req.caseId} is not linked to the operations centre`, { caseId: req.caseId });
      return {
        latest: state.latest ? updateToProto(state.latest, deps.codeTable) : undefined,
        acknowledgedSequence: state.acknowledgedSequence,
        pendingUpdates: state.unacknowledged.length,
        externalId: state.link.externalId ?? '',
      };
    }),

    subscribeCaseUpdates: (call: ServerWritableStream<SubscribeCaseUpdatesRequest, SubscribeCaseUpdatesResponse>) =>
      streamUpdates(call, deps),
  };
  return { definition: CaseLinkServiceService, implementation: impl };
}

/** Sends the backlog after the cursor, then follows the log until the client goes away. */
async function streamUpdates(
  call: ServerWritableStream<SubscribeCaseUpdatesRequest, SubscribeCaseUpdatesResponse>,
  deps: CaseLinkDeps,
): Promise<void> {
  requirePeer(call, deps.centreIdentities);
  let after = decodeCursor(call.request.cursor);
  const wakeup = new Wakeup();
  let open = true;
  const close = (): void => {
    open = false;
    wakeup.wake();
  };
  call.once('cancelled', close);
  call.once('close', close);
  const unsubscribe = deps.onLogAdvanced(() => wakeup.wake());
  try {
    while (open) {
      const { updates, scannedTo } = await updatesAfter(deps.store, after);
      for (const { update, cursor } of updates) {
        if (!open) break;
        const ok = call.write({ update: updateToProto(update, deps.codeTable), cursor });
        if (!ok) await new Promise((r) => call.once('drain', r));
      }
      after = scannedTo;
      if (updates.length === 0) await wakeup.wait(deps.feedPollMs);
    }
  } finally {
    unsubscribe();
    if (!call.writableEnded) call.end();
  }
}
