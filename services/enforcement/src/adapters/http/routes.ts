import { principalOf, problems, type HttpApp } from '@yiwang/platform';
import { type EnforcementQueries } from '../../application/queries';

/**
 * HTTP: the public 双公示 read API (no token: publication is for everyone; names and ids of
 * persons arrive masked, withdrawn decisions say only that) and a case for dashboards (token).
 * Commands go through gRPC only.
 */
export function registerRoutes(app: HttpApp, queries: EnforcementQueries): void {
  // Case ids as the domain checks them (EnforcementCaseId), so the document says what is accepted.
  const id = {
    type: 'object',
    properties: { id: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' } },
    required: ['id'],
  } as const;

  app.get<{ Querystring: { month: string } }>(
    '/public/v1/penalty-decisions',
    {
      config: { public: true },
      schema: {
        description: '双公示: penalty decisions published in a month (Asia/Shanghai), masked; withdrawn ones are gone',
        querystring: {
          type: 'object',
          properties: { month: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' } },
          required: ['month'],
        },
      },
    },
    async (request) => ({ month: request.query.month, decisions: await queries.publicationsOf(request.query.month) }),
  );

  app.get<{ Params: { id: string } }>(
    '/public/v1/penalty-decisions/:id',
    {
      config: { public: true },
      schema: {
        description: '双公示: one published decision (or the date it was withdrawn, Art 48)',
        params: id,
        response: problems({ 404: 'no decision of this case was published' }),
      },
    },
    async (request) => queries.publication(request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/cases/:id',
    {
      schema: {
        description: 'An enforcement case: state, running deadlines, amount due now, record',
        params: id,
        response: problems({ 403: 'the case belongs to another squad', 404: 'no such case' }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { view, history } = await queries.getCase(request.params.id, { subject: p.subject, department: p.department, roles: p.roles });
      return { ...view, history };
    },
  );
}
