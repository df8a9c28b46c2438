import { principalOf, problems, type HttpApp } from '@yiwang/platform';
import { type SanitationCommands } from '../../application/commands';
import { type SanitationQueries } from '../../application/queries';

const actor = (p: ReturnType<typeof principalOf>) => ({ subject: p.subject, department: p.department, roles: [...p.roles] });

/**
 * HTTP for the register keepers and dashboards: the file import (CSV or GeoJSON as text, so a
 * district can upload its spreadsheet), a facility, and the ranking. Every route needs a bearer token.
 */
export function registerRoutes(app: HttpApp, commands: SanitationCommands, queries: SanitationQueries): void {
  app.post<{ Body: { format: string; content: string } }>(
    '/v1/facilities/import',
    {
      bodyLimit: 25 * 1024 * 1024,
      schema: {
        description:
          'Imports facilities from a CSV (header of facilityId,kind,name,district,contractor,geometry,cells,lengthM,areaM2,grade,toiletClass,siting,opensAt,closesAt,capacityTonnesPerDay) or a GeoJSON FeatureCollection: good rows registered or updated, bad rows listed with their reasons',
        body: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['csv', 'geojson'] }, content: { type: 'string', maxLength: 20_000_000 } },
          required: ['format', 'content'],
        },
        // A file that cannot be read as its format is refused whole (bad rows of a readable file are listed instead).
        'x-checked-beyond-schema': ['content', 'header'],
        response: problems({ 403: 'without a register keeper’s role' }),
      },
    },
    async (request) => commands.importFacilities(request.body.format, request.body.content, actor(principalOf(request))),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/facilities/:id',
    {
      schema: {
        description: 'A facility of the register',
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 32 } }, required: ['id'] },
        response: problems({ 403: 'a facility not in the caller’s care', 404: 'no such facility' }),
      },
    },
    async (request) => queries.facility(request.params.id, actor(principalOf(request))),
  );

  app.get<{ Querystring: { period: string; dimension?: string } }>(
    '/v1/ranking',
    {
      schema: {
        description:
          'The three-assessment ranking (三项考核) of a month per facility, contractor or district, with the change against the month before and the 以克论净 pass rate',
        querystring: {
          type: 'object',
          properties: {
            period: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'a month, YYYY-MM' },
            dimension: { type: 'string', enum: ['facility', 'contractor', 'district'] },
          },
          required: ['period'],
        },
        response: problems({ 403: 'district rankings are for city and district staff' }),
      },
    },
    async (request) => queries.ranking(request.query.period, request.query.dimension ?? 'contractor', actor(principalOf(request))),
  );
}
