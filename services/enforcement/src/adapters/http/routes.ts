import { principalOf, type HttpApp } from '@yiwang/platform';
import { type EnforcementQueries } from '../../application/queries';

/**
 * HTTP: the public 双公示 read API (no token: publication is for everyone; names and ids of
 * persons arrive masked, withdrawn decisions say only that) and a case for dashboards (token).
 * Commands go through gRPC only.
 */
export function registerRoutes(app: HttpApp, queries: EnforcementQueries): void {
  const id = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } as const;

  app.get<{ Querystring: { month: string } }>(
    '/public/v1/penalty-decisions',
    {
      config: { public: true },
      schema: {
        description: '双公示: penalty decisions published in a month (Asia/Shanghai), masked; withdrawn ones are gone',
        querystring: { type: 'object', properties: { month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } }, required: ['month'] },
      },
    },
    async (request) => ({ month: request.query.month, decisions: await queries.publicationsOf(request.query.month) }),
  );

  app.get<{ Params: { id: string } }>(
    '/public/v1/penalty-decisions/:id',
    {
      config: { public: true },
      schema: { description: '双公示: one published decision (or the date it was withdrawn, Art 48)', params: id },
    },
    async (request) => queries.publication(request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/cases/:id',
    { schema: { description: 'An enforcement case: state, running deadlines, amount due now, record', params: id } },
    async (request) => {
      const p = principalOf(request);
      const { view, history } = await queries.getCase(request.params.id, { subject: p.subject, department: p.department, roles: p.roles });
      return { ...view, history };
    },
  );
}
