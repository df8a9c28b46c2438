import { status, type ServiceError } from '@grpc/grpc-js';
import { callUnary, createGrpcClient, signToken } from '@yiwang/platform';
import {
  DispatchServiceClient,
  type CaseCommandResponse,
  type ReportHandlingRequest,
  type SignForRequest,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';

/** Reports a dispatch case's handling on behalf of the unit it is dispatched to (the lines of work's port). */
export interface DispatchFeedback {
  /**
   * Resolves `reported` when dispatch recorded it (or had, for the same command id), `refused` when
   * dispatch refuses for good (the case moved on: returned, already reported, closed); throws when
   * it may succeed later.
   */
  reportHandling(input: { caseId: string; unitId: string; notes: string; commandId: string }): Promise<'reported' | 'refused'>;
}

/** Answers that retrying cannot change: the case is not (or no longer) the unit's to report on. */
const PERMANENT = new Set<number>([status.FAILED_PRECONDITION, status.PERMISSION_DENIED, status.NOT_FOUND, status.INVALID_ARGUMENT]);

export type DispatchFeedbackOptions = Readonly<{
  address: string;
  /** A bearer token acting for the dispatch unit (dispatch lets only the case's unit report its handling). */
  tokenFor: (unitId: string) => Promise<string>;
}>;

/**
 * Dispatch's `SignFor` then `ReportHandling` over gRPC, one client per unit. Dispatch takes the
 * handling only from a unit that signed for the case (签收); the line of work took the case over (a
 * squad answered it on the street, a brigade opened a penalty case), so it signs for it first — a
 * case signed for already answers FAILED_PRECONDITION, which is fine.
 */
export function grpcDispatchFeedback(o: DispatchFeedbackOptions): DispatchFeedback & { close(): void } {
  const clients = new Map<string, DispatchServiceClient>();
  const clientFor = (unitId: string): DispatchServiceClient => {
    let c = clients.get(unitId);
    if (!c) {
      c = createGrpcClient(DispatchServiceClient, o.address, { token: () => o.tokenFor(unitId) });
      clients.set(unitId, c);
    }
    return c;
  };
  return {
    async reportHandling({ caseId, unitId, notes, commandId }) {
      const c = clientFor(unitId);
      const request: ReportHandlingRequest = { caseId, notes, photoRefs: [], commandId };
      try {
        await callUnary<SignForRequest, CaseCommandResponse>(c.signFor.bind(c), { caseId, commandId: `${commandId}-sign` }).catch(
          (e: unknown) => {
            if ((e as ServiceError).code !== status.FAILED_PRECONDITION) throw e;
          },
        );
        await callUnary<ReportHandlingRequest, CaseCommandResponse>(c.reportHandling.bind(c), request);
        return 'reported';
      } catch (e) {
        if (PERMANENT.has((e as ServiceError).code)) return 'refused';
        throw e;
      }
    },
    close() {
      for (const c of clients.values()) c.close();
      clients.clear();
    },
  };
}

/**
 * Tokens for the feedback signed with the shared HS256 secret, as the unit's process (`subject`
 * names the calling service's link). For deployments whose services share that secret (development,
 * the demo, tests); with an identity provider the service is given client credentials instead.
 */
export const sharedSecretTokens =
  (subject: string, secret: string, issuer?: string, audience?: string) =>
  (unitId: string): Promise<string> =>
    signToken(
      { subject, department: unitId, roles: ['system'] },
      { secret, expiresInSec: 300, ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) },
    );
