import { principalOf, problems, type HttpApp } from '@yiwang/platform';
import { ValidationError } from '@yiwang/kernel-core';
import { formatRate } from '../../domain';
import { type DispatchQueries } from '../../application/queries';
import { type Dimension } from '../../application/indicator-queries';

const DIMENSIONS = ['unit', 'district', 'category'] as const;

const dimension = (raw: string | undefined, fallback: Dimension): Dimension => {
  if (raw === undefined || raw === '') return fallback;
  if (!(DIMENSIONS as readonly string[]).includes(raw))
    throw new ValidationError(`dimension must be one of ${DIMENSIONS.join(', ')}`, [{ field: 'dimension', message: raw }]);
  return raw as Dimension;
};

// What the queries check, as schemas, so that the published document says it and fastify enforces it.
const caseId = { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' } as const;
/** An ISO-8601 instant with its offset (`2026-12-02T08:00:00+08:00`). */
const instant = {
  type: 'string',
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
} as const;

/**
 * The read API over HTTP for dashboards and the demo: a case with its history, indicators and the
 * ranking table. Commands go through gRPC only. Every route needs a bearer token.
 * `indicatorIds`: the configured indicators, the values `/v1/ranking?indicator=` accepts.
 */
export function registerReadRoutes(app: HttpApp, queries: DispatchQueries, options: { indicatorIds: readonly string[] }): void {
  app.get<{ Params: { id: string }; Querystring: { minVersion?: number } }>(
    '/v1/cases/:id',
    {
      schema: {
        description:
          'A case with its full history, from its read model (a moment behind a command at most). `minVersion` (the version a command answered) waits briefly until the view has it.',
        params: { type: 'object', properties: { id: caseId }, required: ['id'] },
        querystring: { type: 'object', properties: { minVersion: { type: 'integer', minimum: 0 } } },
        response: problems({ 403: 'the case is not the caller’s unit’s (units see only cases dispatched to them)', 404: 'no such case' }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const minVersion = request.query.minVersion;
      const actor = { subject: p.subject, department: p.department, roles: p.roles };
      const { summary, history } = await queries.getCase(request.params.id, actor, minVersion ? { minVersion } : {});
      return { ...summary, history };
    },
  );

  app.get<{ Querystring: { dimension?: string; from?: string; to?: string } }>(
    '/v1/indicators',
    {
      schema: {
        description: 'Indicators (formulas from configuration) per unit, district or category for cases opened in [from, to)',
        querystring: {
          type: 'object',
          properties: { dimension: { type: 'string', enum: [...DIMENSIONS] }, from: instant, to: instant },
        },
      },
    },
    async (request) => {
      principalOf(request);
      const q = request.query;
      return queries.indicators(dimension(q.dimension, 'unit'), q.from || undefined, q.to || undefined);
    },
  );

  app.get<{ Querystring: { indicator?: string; dimension?: string; weekOf?: string } }>(
    '/v1/ranking',
    {
      schema: {
        description: 'Ranking table of one indicator for a week: rate, rank, change since last week',
        querystring: {
          type: 'object',
          properties: {
            indicator: { type: 'string', enum: [...options.indicatorIds], description: 'default onTimeClosureRate' },
            dimension: { type: 'string', enum: ['unit', 'district'] },
            weekOf: { ...instant, description: 'an instant in the week (default: now)' },
          },
        },
      },
    },
    async (request) => {
      principalOf(request);
      const q = request.query;
      const { weekStart, table } = await queries.ranking(
        q.indicator || 'onTimeClosureRate',
        dimension(q.dimension, 'unit') as 'unit' | 'district',
        q.weekOf || undefined,
      );
      return {
        indicator: { id: table.indicator.id, name: table.indicator.name },
        weekStart,
        rows: table.rows.map((r) => ({ ...r, rateText: formatRate(r.rate) })),
        total: { ...table.total, rateText: formatRate(table.total.rate) },
      };
    },
  );
}
