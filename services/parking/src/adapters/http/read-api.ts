import { principalOf, problems, type HttpApp } from '@yiwang/platform';
import { NotFoundError } from '@yiwang/kernel-core';
import { type ParkingQueries } from '../../application/queries';

/**
 * The read API over HTTP for dashboards and the demo: a violation, the weekly tables and a grid
 * cell's hot hours. Commands go through gRPC only. Every route needs a bearer token.
 */
export function registerReadRoutes(app: HttpApp, queries: ParkingQueries): void {
  app.get<{ Params: { id: string } }>(
    '/v1/violations/:id',
    {
      schema: {
        description: 'One violation (plate masked unless the caller has parking.plates)',
        params: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' } },
          required: ['id'],
        },
        response: problems({ 403: 'the violation belongs to another squad', 404: 'no such violation' }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      return queries.violation(request.params.id, { subject: p.subject, department: p.department, roles: p.roles });
    },
  );

  app.get<{ Params: { dimension: 'district' | 'squad' }; Querystring: { weekOf?: string } }>(
    '/v1/weekly/:dimension',
    {
      schema: {
        description:
          'Per district or squad for a week: moved on, notices, penalties, paid, transferred, removals — ranked by actions, with the change since the week before',
        params: { type: 'object', properties: { dimension: { type: 'string', enum: ['district', 'squad'] } }, required: ['dimension'] },
        querystring: {
          type: 'object',
          properties: { weekOf: { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
        },
      },
    },
    async (request) => {
      principalOf(request);
      return queries.weeklyTable(request.params.dimension, request.query.weekOf);
    },
  );

  app.get<{ Params: { squad: string } }>(
    '/v1/open-notices/:squad',
    {
      schema: {
        description: 'A squad’s open notices and unpaid penalties, soonest deadline first',
        params: { type: 'object', properties: { squad: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['squad'] },
        response: problems({ 403: 'another squad’s list (only its members and central roles read it)' }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      return {
        squad: request.params.squad,
        items: await queries.openNotices(request.params.squad, { subject: p.subject, department: p.department, roles: p.roles }),
      };
    },
  );

  app.get<{ Params: { cellId: string } }>(
    '/v1/hotspots/:cellId',
    {
      schema: {
        description: 'Violations per local hour in a grid cell',
        params: { type: 'object', properties: { cellId: { type: 'string', minLength: 1, maxLength: 40 } }, required: ['cellId'] },
        response: problems({ 404: 'no violation was recorded in this cell' }),
      },
    },
    async (request) => {
      principalOf(request);
      const doc = await queries.hotSpot(request.params.cellId);
      if (!doc) throw new NotFoundError(`no violations in ${request.params.cellId}`, {});
      return doc;
    },
  );
}
