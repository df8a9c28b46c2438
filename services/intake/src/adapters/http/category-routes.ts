import { problems, type HttpApp } from '@yiwang/platform';
import { IntakeRoles } from '../../domain';
import { type CategoryCatalogue, type CategoryTablePatch, tableToJson } from '../../application/category-catalogue';
import { callerWithRole, metaFor } from './http-context';

// The schema checks shapes; the domain (parseCategoryTable) checks values and answers naming the code.
const twoDigits = { type: 'string', pattern: '^[0-9]{2}$' } as const;
const family = { type: 'string', maxLength: 20 } as const;
const name = {
  type: 'object',
  required: ['zh', 'en'],
  additionalProperties: false,
  properties: { zh: { type: 'string', minLength: 1, maxLength: 100 }, en: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
const categoryEntry = {
  type: 'object',
  required: ['family', 'major', 'minor', 'name', 'deadline', 'urgency', 'unitType'],
  additionalProperties: false,
  properties: {
    family,
    major: twoDigits,
    minor: twoDigits,
    name,
    deadline: {
      type: 'object',
      required: ['amount', 'unit'],
      additionalProperties: false,
      properties: { amount: { type: 'number' }, unit: { type: 'string', maxLength: 20 } },
    },
    urgency: { type: 'string', maxLength: 20 },
    unitType: { type: 'string', maxLength: 40 },
  },
} as const;
const majorEntry = {
  type: 'object',
  required: ['family', 'major', 'name'],
  additionalProperties: false,
  properties: { family, major: twoDigits, name },
} as const;
const list = (items: unknown) => ({ type: 'array', maxItems: 500, items }) as const;

const revisionBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: 500 },
    version: { type: 'string', minLength: 1, maxLength: 40, description: 'the new table version label; unchanged when omitted' },
    expectedVersion: {
      type: 'integer',
      minimum: 0,
      description: 'the revision the edit is based on (GET /v1/categories); 409 when the table moved on',
    },
    majors: {
      type: 'object',
      additionalProperties: false,
      properties: {
        added: list(majorEntry),
        changed: list(majorEntry),
        removed: list({ type: 'string', pattern: '^(component|event)\\.[0-9]{2}$' }),
      },
    },
    categories: {
      type: 'object',
      additionalProperties: false,
      properties: { added: list(categoryEntry), changed: list(categoryEntry), removed: list({ type: 'string', maxLength: 32 }) },
    },
  },
} as const;

const codes = { type: 'array', items: { type: 'string' } } as const;
const revisionAnswer = {
  type: 'object',
  properties: {
    revision: { type: 'integer' },
    version: { type: 'string' },
    recorded: { type: 'boolean' },
    added: codes,
    changed: codes,
    removed: codes,
  },
} as const;

/** `GET /v1/categories` (public) and `POST /v1/categories/revisions` (role admin.categories). */
export function registerCategoryRoutes(app: HttpApp, catalogue: CategoryCatalogue): void {
  app.get(
    '/v1/categories',
    { config: { public: true }, schema: { summary: 'The current category table and its revision (public)', tags: ['categories'] } },
    async () => {
      const table = catalogue.current();
      return { revision: catalogue.revision, ...tableToJson(table), categories: [...table.categories.values()] };
    },
  );

  app.post<{ Body: CategoryTablePatch }>(
    '/v1/categories/revisions',
    {
      schema: {
        summary: 'Revise the category table: add, change and remove entries (recorded in the category-table stream)',
        tags: ['categories'],
        body: revisionBody,
        // Codes, majors and values are checked against the table being revised (the answer names the code).
        'x-checked-beyond-schema': ['categories', 'majors'],
        response: {
          200: revisionAnswer,
          201: revisionAnswer,
          ...problems({ 403: 'without role admin.categories', 409: 'expectedVersion is behind: the table moved on (GET /v1/categories)' }),
        },
      },
    },
    async (request, reply) => {
      const principal = callerWithRole(request, IntakeRoles.categoryAdmin);
      const meta = metaFor(request, principal);
      const result = await catalogue.revise(request.body, meta.actor, meta.traceparent ? { traceparent: meta.traceparent } : {});
      return reply.code(result.recorded ? 201 : 200).send(result);
    },
  );
}
