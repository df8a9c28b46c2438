import { NotFoundError } from '@yiwang/kernel-core';
import { principalOf, problems, requireRole, type HttpApp } from '@yiwang/platform';
import { type CentrePusher } from '../../application/centre-pusher';
import { type Reconciler } from '../../application/reconciler';
import { type SyncService } from '../../application/sync-service';

/** Who may look at the link and trigger a reconciliation: the bureau's command centre and operators. */
export const LINK_OPERATOR_ROLES = ['centre.command', 'integration.operator'] as const;

/** The operators' view of the link (bearer JWT): sync status, a case's link, reconciliation on demand. */
export function registerSyncRoutes(app: HttpApp, deps: { pusher: CentrePusher; reconciler: Reconciler; sync: SyncService }): void {
  app.get(
    '/v1/sync/status',
    {
      schema: {
        description: 'Outbound sync: backlog, lag, circuit breaker, checkpoint, last reconciliation',
        response: problems({ 403: 'without role centre.command or integration.operator' }),
      },
    },
    async (request) => {
      requireRole(principalOf(request), ...LINK_OPERATOR_ROLES);
      return {
        backlog: deps.pusher.backlog,
        lagSeconds: deps.pusher.lagSeconds(),
        breaker: deps.pusher.breakerState(),
        checkpoint: await deps.pusher.checkpoint(),
        lastReconciliation: deps.reconciler.lastReport,
      };
    },
  );

  app.get<{ Params: { caseId: string } }>(
    '/v1/sync/cases/:caseId',
    {
      schema: {
        description: 'A case’s link to the centre: latest update, acknowledged sequence, pending updates',
        params: { type: 'object', properties: { caseId: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['caseId'] },
        response: problems({ 403: 'without role centre.command or integration.operator', 404: 'the case is not linked to the centre' }),
      },
    },
    async (request) => {
      requireRole(principalOf(request), ...LINK_OPERATOR_ROLES);
      const { state } = await deps.sync.state(request.params.caseId);
      if (!state.link) throw new NotFoundError(`case ${request.params.caseId} is not linked to the centre`);
      return {
        link: state.link,
        latest: state.latest,
        acknowledgedSequence: state.acknowledgedSequence,
        pending: state.unacknowledged.length,
      };
    },
  );

  app.post(
    '/v1/reconciliations',
    {
      schema: {
        description: 'Compare our case states with the centre’s now and repair drift; returns what was repaired',
        response: problems({ 403: 'without role centre.command or integration.operator' }),
      },
    },
    async (request) => {
      requireRole(principalOf(request), ...LINK_OPERATOR_ROLES);
      return deps.reconciler.run();
    },
  );
}
