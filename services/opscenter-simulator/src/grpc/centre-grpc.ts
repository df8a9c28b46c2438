import { Server, status, type sendUnaryData, type ServerUnaryCall, type StatusObject } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { reflectionDescriptors } from '@yiwang/platform';
import {
  OpsCentreServiceService,
  type ListCaseStatesRequest,
  type ListCaseStatesResponse,
  type OpsCentreServiceServer,
  type ReceiveCaseUpdatesRequest,
  type ReceiveCaseUpdatesResponse,
} from '@yiwang/proto/yiwang/opscenter/v1/centre_service';
import { type CentreStore } from '../store/centre-store';
import { type Faults } from '../faults/faults';
import { peerName } from './tls';

const CENTRE_SERVICE = 'yiwang.opscenter.v1.OpsCentreService';

type Fail = Partial<StatusObject> & { code: status; details: string };

/** Runs one call: identity check, injected faults, then the handler; failures become statuses. */
function guarded<Req, Res>(deps: CentreGrpcDeps, handler: (req: Req) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    void (async () => {
      const peer = peerName(call);
      if (peer === null || !deps.allowedPeers.includes(peer))
        throw { code: status.PERMISSION_DENIED, details: `certificate ${peer ?? '(none)'} may not call the centre` } satisfies Fail;
      const f = deps.faults.current();
      if (f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
      if (deps.faults.failsNow()) throw { code: status.UNAVAILABLE, details: 'operations centre unavailable (simulated)' } satisfies Fail;
      return handler(call.request);
    })().then(
      (res) => callback(null, res),
      (e: unknown) => {
        const fail = e as Partial<Fail>;
        callback(
          typeof fail.code === 'number'
            ? { code: fail.code, details: fail.details ?? '' }
            : { code: status.INTERNAL, details: e instanceof Error ? e.message : 'internal error' },
        );
      },
    );
  };
}

export interface CentreGrpcDeps {
  readonly store: CentreStore;
  readonly faults: Faults;
  /** Subject CNs allowed to call (Yiwang's client certificate). */
  readonly allowedPeers: readonly string[];
  readonly now: () => Date;
}

const decodeToken = (t: string): number => (t === '' ? 0 : Number.parseInt(Buffer.from(t, 'base64url').toString('utf8'), 10) || 0);
const encodeToken = (n: number): string => Buffer.from(String(n)).toString('base64url');

/** The centre's side of the protocol, on a plain grpc-js server (the simulator is a peer, not a Yiwang service). */
export function centreGrpcServer(deps: CentreGrpcDeps): Server {
  // One batch at a time, as a centre's inbox would: updates of a case are applied in arrival order.
  let queue: Promise<unknown> = Promise.resolve();
  const impl: OpsCentreServiceServer = {
    receiveCaseUpdates: guarded<ReceiveCaseUpdatesRequest, ReceiveCaseUpdatesResponse>(deps, (req) => {
      if (req.updates.length > 500) throw { code: status.INVALID_ARGUMENT, details: 'at most 500 updates per batch' } satisfies Fail;
      const run = queue.then(async () => {
        const held: string[] = [];
        for (const u of req.updates) {
          if (!u.eventId || !u.caseId || u.sequence < 1)
            throw { code: status.INVALID_ARGUMENT, details: `malformed update ${u.eventId || '(no event_id)'}` } satisfies Fail;
          await deps.store.receive(u, deps.now());
          held.push(u.eventId);
        }
        return { acknowledgedEventIds: deps.faults.acknowledgements(held) };
      });
      queue = run.catch(() => undefined);
      return run;
    }),
    listCaseStates: guarded<ListCaseStatesRequest, ListCaseStatesResponse>(deps, async (req) => {
      const size = req.pageSize === 0 ? 100 : Math.min(1000, req.pageSize);
      const from = decodeToken(req.pageToken);
      const all = await deps.store.list(req.updatedSince ?? null);
      const page = all.slice(from, from + size);
      return {
        cases: page.map((c) => ({
          caseId: c._id,
          externalId: c.externalId,
          sequence: c.sequence,
          state: c.state,
          responsibleUnit: c.responsibleUnit,
          deadline: c.deadline ?? undefined,
          lastEventId: c.lastEventId,
          updatedAt: c.updatedAt,
        })),
        nextPageToken: from + size < all.length ? encodeToken(from + size) : '',
      };
    }),
  };
  const server = new Server();
  server.addService(OpsCentreServiceService, impl);
  // The centre's developers point grpcurl at it like at ours: reflection and health, no .proto files.
  const reflection = reflectionDescriptors([CENTRE_SERVICE]);
  new ReflectionService(reflection.definition, { services: [...reflection.services] }).addToServer(server);
  new HealthImplementation({ '': 'SERVING', [CENTRE_SERVICE]: 'SERVING' }).addToServer(server);
  return server;
}
