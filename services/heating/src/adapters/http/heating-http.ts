import { principalOf, problems, type HttpApp } from '@yiwang/platform';
import { HeatingRoles, requireRole } from '../../domain';
import { type ReadingsIngest } from '../../application/readings-ingest';
import { type HeatingQueries } from '../../application/queries';

/**
 * Heating's HTTP side: the batch ingest of monitoring readings for gateways (role
 * `heating.gateway`), and a company's season for dashboards. Every route needs a bearer token.
 */
export function registerHeatingRoutes(app: HttpApp, deps: { ingest: ReadingsIngest; queries: HeatingQueries }): void {
  app.post<{ Body: { readings: unknown } }>(
    '/v1/readings',
    {
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        description:
          'A batch of indoor temperature readings from monitoring points (室温监测): [{pointId, at (ISO-8601), celsius}]. Checked whole (unknown devices, −40…60 ℃, no future readings) before anything is stored; idempotent by device + time.',
        body: {
          type: 'object',
          properties: {
            readings: {
              type: 'array',
              minItems: 1,
              maxItems: 10000,
              items: {
                type: 'object',
                required: ['pointId', 'at', 'celsius'],
                properties: {
                  pointId: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' },
                  at: { type: 'string', format: 'date-time' },
                  celsius: { type: 'number', minimum: -40, maximum: 60 },
                },
              },
            },
          },
          required: ['readings'],
        },
        // The device register and the clock are not in the schema: an unknown point or a reading from the future is refused whole.
        'x-checked-beyond-schema': ['readings[].pointId', 'readings[].at'],
        response: problems({ 403: 'without role heating.gateway' }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireRole({ subject: p.subject, department: p.department, roles: p.roles }, 'IngestReadings', HeatingRoles.gateway);
      return deps.ingest.ingest(request.body.readings);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/companies/:id/season',
    {
      schema: {
        description: 'A heating company’s season: complaints, measured on time, sub-standard days, refunds per household',
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'] },
        response: problems({
          403: 'another company’s season (a company reads its own; the supervision office any)',
          404: 'no such heating company',
        }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      return deps.queries.companySeason(request.params.id, { subject: p.subject, department: p.department, roles: p.roles });
    },
  );

  app.get<{ Querystring: { week?: string } }>(
    '/v1/rankings/weekly',
    {
      schema: {
        description:
          'The weekly ranking of heating companies (any day of the week, e.g. ?week=2026-12-02), with the change against the week before',
        querystring: {
          type: 'object',
          properties: { week: { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } },
          required: ['week'],
        },
        response: problems({ 403: 'without role heating.supervision' }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      return deps.queries.weeklyRanking(request.query.week ?? '', { subject: p.subject, department: p.department, roles: p.roles });
    },
  );
}
