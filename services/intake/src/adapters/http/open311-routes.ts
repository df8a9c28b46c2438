import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { problemFromError, type ErrorResponse, type HttpApp } from '@yiwang/platform';
import { parseCrs } from '../../application/coordinate-systems';
import {
  isHouseholdComplaint,
  majorClassOf,
  validateHousehold,
  type Category,
  type CategoryTable,
  type Channel,
  type Household,
} from '../../domain';
import { currentTable, type CategorySource } from '../../application/category-catalogue';
import { type IntakeApplication } from '../../application/intake-application';
import { shanghaiDay } from '../../application/projections/report-index-projection';
import { type ReportView } from '../../application/projections/reports-projection';
import { type CaseProgress } from '../../application/case-progress/case-progress';
import { reporterStatus } from '../../application/case-progress/reporter-status';
import { ANONYMOUS_CITIZEN, metaFor } from './http-context';
import { formatOfUrl, JSON_CONTENT_TYPE, splitFormat, toXml, XML_CONTENT_TYPE, type Open311Format } from './open311-xml';

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) in both of its formats, so that
 * existing Open311 clients work unchanged: discovery, service list and definitions from the category
 * table, POST request (form-encoded as the spec says, or JSON), token lookup, GET requests and GET
 * request; `.xml`, `.json`, or no suffix for XML (the spec's default). Errors are the spec's
 * `<errors><error>` / `[{ "code": …, "description": … }]` in the format asked for, with their HTTP status.
 * Locations are WGS84 as the spec requires, or the datum named in `attribute[crs]`; `address_id` may
 * name a grid cell (its centre is used). A household's heating complaint names the flat in
 * `attribute[compound]`, `[building]`, `[unit]` and `[room]`, which its service definition lists as required. An `api_key` is optional; a known one maps the request to its
 * channel (e.g. the hotline's integration), an unknown one is refused.
 */
export type Open311Options = Readonly<{
  /** The table, or a live source of the current one (revisions apply without a restart). */
  categories: CategoryTable | CategorySource;
  /** api_key → channel. */
  apiKeys: ReadonlyMap<string, Channel>;
  /** The `jurisdiction_id` this endpoint serves; a request naming another is refused. Unset: any is accepted. */
  jurisdictionId?: string | undefined;
  bodyLimit: number;
  /** Centre of a grid cell, for requests located by `address_id`. */
  cellCentre: (cellId: string) => { lat: number; lon: number } | null;
  now: () => Date;
  /** The case dispatch opened for a report, as far as intake has learnt it from dispatch's events. */
  caseProgress: CaseProgressSource;
}>;

export type CaseProgressSource = Readonly<{ forReport(reportId: string): Promise<CaseProgress | null> }>;

const FORM = 'application/x-www-form-urlencoded';
const MAX_LIST = 200;
const DEFAULT_DAYS = 90;

type PostBody = Record<string, unknown> & { attribute?: Record<string, string> };

/** `a=1&attribute[WHISPER]=x` → `{ a: '1', attribute: { WHISPER: 'x' } }` (repeated keys: the first). */
export function parseForm(text: string): PostBody {
  const out: PostBody = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const attr = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (attr) out.attribute = { ...out.attribute, [attr[1]!]: value };
    else if (!(key in out)) out[key] = value;
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * A report as a GeoReport v2 service request. Once dispatch has routed the case, the unit it went
 * to is `agency_responsible` and its deadline `expected_datetime`; before that, the kind of unit
 * the category goes to and no date.
 */
export function toOpen311Request(v: ReportView, categories: CategoryTable, progress: CaseProgress | null = null) {
  const category = categories.categories.get(v.category as never);
  const s = reporterStatus(v, progress);
  return {
    service_request_id: v.reportId,
    status: s.status,
    status_notes: s.statusNotes,
    service_name: category ? `${category.name.zh} ${category.name.en}` : v.category,
    service_code: v.category,
    description: v.description,
    agency_responsible: s.agencyResponsible ?? (v.cell ? `${v.cell.district} ${v.unitType}` : v.unitType),
    service_notice: '',
    requested_datetime: v.receivedAt,
    updated_datetime: s.updatedAt,
    expected_datetime: s.expectedAt,
    address: v.cell ? `${v.cell.district}${v.cell.street}${v.cell.community}` : '',
    address_id: v.cell?.cellId ?? '',
    zipcode: null,
    lat: v.location.lat,
    long: v.location.lon,
    media_url: v.photoRefs[0] ?? '',
  };
}

/**
 * GeoReport v2 gives lat/long without a datum (WGS84 by convention). Citizens' apps built on Chinese
 * map SDKs send GCJ-02 or BD-09; they name it in `attribute[crs]`, as the service definition says.
 */
const CRS_ATTRIBUTE = {
  variable: true,
  code: 'crs',
  datatype: 'singlevaluelist',
  required: false,
  datatype_description: 'The coordinate system of lat and long; wgs84 when omitted.',
  order: 1,
  description: 'Coordinate system of lat/long 坐标系',
  values: [
    { key: 'wgs84', name: 'WGS84 (GPS)' },
    { key: 'gcj02', name: 'GCJ-02 (AMap, Tencent maps)' },
    { key: 'bd09', name: 'BD-09 (Baidu maps)' },
  ],
} as const;

/**
 * A household's heating complaint (the categories `isHouseholdComplaint` names) is about one flat:
 * the heating service measures in it and owes its refund, so the definition asks for the flat as
 * heating keys it (`<compound>:<building>-<unit>-<room>`). Intake hands such a report to heating.
 */
const HOUSEHOLD_ATTRIBUTES = (
  [
    [
      'compound',
      'Residential compound 小区',
      'The residential compound (小区) of the flat, as its heating company names it, e.g. jz-hongxing.',
    ],
    ['building', 'Building 楼号', 'The building (楼) in the compound, e.g. 3.'],
    ['unit', 'Unit (stairway) 单元', 'The unit (单元, stairway) in the building, e.g. 2.'],
    ['room', 'Flat 房号', 'The flat (室) in the unit, e.g. 501.'],
  ] as const
).map(([code, description, what], i) => ({
  variable: true,
  code,
  datatype: 'string',
  required: true,
  datatype_description: `${what} At most 40 characters, without spaces or ":".`,
  order: i + 2,
  description,
}));
type HouseholdKey = keyof Household;

/** The attributes a service's definition lists: the datum for every service, the flat for a household's complaint. */
const attributesOf = (category: Category) => (isHouseholdComplaint(category) ? [CRS_ATTRIBUTE, ...HOUSEHOLD_ATTRIBUTES] : [CRS_ATTRIBUTE]);

/** The spec's error list, as JSON; the XML form is the same list as `<errors><error>`. */
const ERRORS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['code', 'description'],
    properties: { code: { type: 'integer' }, description: { type: 'string' } },
  },
} as const;
const XML_MEDIA_TYPE = XML_CONTENT_TYPE.split(';')[0]!;
const JSON_MEDIA_TYPE = JSON_CONTENT_TYPE.split(';')[0]!;

/** Documented error responses in the formats a path answers in (both when the suffix is a parameter). */
const open311Errors =
  (formats: readonly Open311Format[]) =>
  (_status: number, description: string): ErrorResponse => ({
    description,
    content: Object.fromEntries(
      formats.map((f) =>
        f === 'json'
          ? [JSON_MEDIA_TYPE, { schema: ERRORS_SCHEMA }]
          : [XML_MEDIA_TYPE, { schema: { type: 'string', description: '<errors><error><code/><description/></error></errors>' } }],
      ),
    ),
  });
const BOTH: readonly Open311Format[] = ['xml', 'json'];
/** Route options of an Open311 call: public, its errors in the spec's shape, route-specific statuses with reasons. */
const open311Route = (formats: readonly Open311Format[], reasons: Readonly<Record<number, string>> = {}) => ({
  config: { public: true, errorResponse: open311Errors(formats) },
  response: {
    // Handlers send text already in the format: nothing here is used to serialize.
    200: {
      description: 'the answer, in the format the path asks for',
      content: Object.fromEntries(
        formats.map((f) => (f === 'json' ? [JSON_MEDIA_TYPE, { schema: {} }] : [XML_MEDIA_TYPE, { schema: { type: 'string' } }])),
      ),
    },
    ...Object.fromEntries(Object.entries(reasons).map(([status, why]) => [status, open311Errors(formats)(Number(status), why)])),
  },
});
/** Every call takes the optional `jurisdiction_id` (checked against the one configured, if any). */
const jurisdictionQuery = {
  type: 'object',
  properties: { jurisdiction_id: { type: 'string', maxLength: 100 } },
} as const;
const listQuery = {
  type: 'object',
  properties: {
    jurisdiction_id: { type: 'string', maxLength: 100 },
    service_request_id: { type: 'string', maxLength: 4000, description: 'comma-separated ids' },
    service_code: { type: 'string', maxLength: 4000, description: 'comma-separated codes' },
    status: { type: 'string', maxLength: 100, description: 'comma-separated: open, closed' },
    start_date: { type: 'string', maxLength: 40, description: 'W3C / ISO 8601 date-time' },
    end_date: { type: 'string', maxLength: 40, description: 'W3C / ISO 8601 date-time' },
  },
} as const;

/**
 * A location is lat and long, or an address_id naming a grid cell; an address_string alone cannot
 * be placed. The schema says so (anyOf); its refusal keeps the message clients already read.
 */
const LOCATION_REQUIRED = [{ required: ['lat', 'long'] }, { required: ['address_id'] }] as const;
const isLocationRefusal = (error: unknown): boolean =>
  Array.isArray((error as { validation?: unknown }).validation) &&
  (error as { validation: Array<{ keyword?: string; instancePath?: string }> }).validation.some(
    (v) => v.keyword === 'anyOf' && (v.instancePath ?? '') === '',
  );

const postSchema = {
  type: 'object',
  required: ['service_code'],
  anyOf: LOCATION_REQUIRED,
  properties: {
    jurisdiction_id: { type: 'string', maxLength: 100 },
    api_key: { type: 'string', maxLength: 200 },
    service_code: {
      type: 'string',
      pattern: '^(component|event)\\.[0-9]{2}\\.[0-9]{2}$',
      description: 'one of GET /services (the table can be revised at run time)',
    },
    lat: { type: 'number', minimum: -90, maximum: 90 },
    long: { type: 'number', minimum: -180, maximum: 180 },
    address_string: { type: 'string', maxLength: 500 },
    address_id: { type: 'string', pattern: '^[0-9]{15}$', description: 'a grid cell code (its centre is used)' },
    email: { type: 'string', maxLength: 200 },
    device_id: { type: 'string', maxLength: 200 },
    account_id: { type: 'string', maxLength: 200 },
    first_name: { type: 'string', maxLength: 25 },
    last_name: { type: 'string', maxLength: 25 },
    phone: { type: 'string', maxLength: 20 },
    description: { type: 'string', maxLength: 4000 },
    media_url: { type: 'string', maxLength: 500 },
    attribute: { type: 'object', additionalProperties: { type: 'string', maxLength: 500 } },
  },
} as const;

/** When this endpoint's description last changed (the discovery document's `changeset`). */
const DISCOVERY_CHANGESET = '2026-12-02T00:00:00Z';

export async function registerOpen311Routes(app: HttpApp, intake: IntakeApplication, options: Open311Options): Promise<void> {
  const table = (): CategoryTable => currentTable(options.categories);

  /** The spec's `jurisdiction_id` is optional; a request naming another jurisdiction was meant for another endpoint. */
  const checkJurisdiction = (raw: unknown): void => {
    const asked = str(raw);
    if (asked === undefined || options.jurisdictionId === undefined || asked === options.jurisdictionId) return;
    throw new ValidationError(`jurisdiction_id ${asked} is not served here; this endpoint serves ${options.jurisdictionId}`, [
      { field: 'jurisdiction_id', message: `must be ${options.jurisdictionId} or omitted` },
    ]);
  };

  await app.register(
    async (scope) => {
      scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: options.bodyLimit }, (_request, body, done) => {
        try {
          done(null, parseForm(body as string));
        } catch (e) {
          done(e as Error, undefined);
        }
      });

      /** `root` and its items in XML, or `body` as it is in JSON: the format the path's suffix asks for. */
      const send = (reply: FastifyReply, format: Open311Format, root: string, body: unknown): FastifyReply =>
        format === 'xml' ? reply.type(XML_CONTENT_TYPE).send(toXml(root, body)) : reply.type(JSON_CONTENT_TYPE).send(JSON.stringify(body));

      // The spec's error shape, in the format asked for: a list of { code, description }.
      scope.setErrorHandler((error, request, reply) => {
        const { problem, fault } = problemFromError(isLocationRefusal(error) ? locationRequired(request.body) : error);
        if (fault) request.log.error({ err: error }, 'Open311 request failed');
        const detail = problem.violations?.length
          ? `${problem.detail ?? problem.title}: ${problem.violations.map((v) => `${v.field} ${v.message}`).join('; ')}`
          : (problem.detail ?? problem.title);
        if (problem.status === 401) void reply.header('www-authenticate', 'Bearer');
        return send(reply.code(problem.status), formatOfUrl(request.url), 'errors', [{ code: problem.status, description: detail }]);
      });
      scope.setNotFoundHandler((request, reply) =>
        send(reply.code(404), formatOfUrl(request.url), 'errors', [
          { code: 404, description: `no route ${request.method} ${request.url.split('?')[0]}` },
        ]),
      );

      // Each collection answers at `name.xml`, `name.json` and bare `name` (XML, the spec's default).
      const suffixed = (name: string): Array<{ path: string; format: Open311Format }> => [
        { path: `${name}.xml`, format: 'xml' },
        { path: `${name}.json`, format: 'json' },
        { path: name, format: 'xml' },
      ];

      for (const { path, format } of suffixed('/discovery')) {
        const { config, response } = open311Route([format]);
        scope.get(
          path,
          { config, schema: { summary: 'Open311: service discovery', tags: ['open311'], response } },
          async (request, reply) => {
            const url = `${request.protocol}://${request.headers.host ?? request.hostname}/open311/v2`;
            return send(reply, format, 'discovery', {
              changeset: DISCOVERY_CHANGESET,
              contact: 'Jiaozuo digital city management centre 焦作市数字化城市管理中心, 12345',
              key_service: 'No key is needed to read or to report; departments and the hotline get an api_key from the centre.',
              endpoints: [
                {
                  specification: 'http://wiki.open311.org/GeoReport_v2',
                  url,
                  changeset: DISCOVERY_CHANGESET,
                  type: 'production',
                  formats: ['text/xml', 'application/json'],
                },
              ],
            });
          },
        );
      }

      for (const { path, format } of suffixed('/services')) {
        const { config, response } = open311Route([format]);
        scope.get<{ Querystring: Record<string, string | undefined> }>(
          path,
          {
            config,
            schema: {
              summary: 'Open311: the service list (category table)',
              tags: ['open311'],
              querystring: jurisdictionQuery,
              'x-checked-beyond-schema': ['jurisdiction_id'],
              response,
            },
          },
          async (request, reply) => {
            checkJurisdiction(request.query['jurisdiction_id']);
            const services = [...table().categories.values()].map((c) => ({
              service_code: c.code,
              service_name: `${c.name.zh} ${c.name.en}`,
              description: `${c.family === 'component' ? '部件 component' : '事件 event'}: ${c.name.en}; deadline ${c.deadline.amount} ${c.deadline.unit.replace('_', ' ')}`,
              metadata: true,
              type: 'realtime',
              keywords: [c.family, c.unitType, c.urgency].join(','),
              group: majorClassOf(table(), c)?.name.en ?? c.family,
            }));
            return send(reply, format, 'services', services);
          },
        );
      }

      scope.get<{ Params: { file: string }; Querystring: Record<string, string | undefined> }>(
        '/services/:file',
        {
          config: open311Route(BOTH).config,
          schema: {
            summary: 'Open311: a service definition',
            tags: ['open311'],
            params: fileParam('a service_code'),
            querystring: jurisdictionQuery,
            'x-checked-beyond-schema': ['jurisdiction_id'],
            response: open311Route(BOTH, { 404: 'unknown service_code' }).response,
          },
        },
        async (request, reply) => {
          checkJurisdiction(request.query['jurisdiction_id']);
          const { name: code, format } = splitFormat(request.params.file);
          const category = table().categories.get(code as never);
          if (!category) throw new NotFoundError(`unknown service_code ${code}: not in the service list`);
          // One optional attribute for every service, the datum of lat/long (for apps that do not speak
          // GPS); a household's heating complaint also asks for the flat.
          return send(reply, format, 'service_definition', { service_code: code, attributes: attributesOf(category) });
        },
      );

      for (const { path, format } of suffixed('/requests')) {
        scope.post<{ Body: PostBody }>(
          path,
          {
            config: open311Route([format]).config,
            bodyLimit: options.bodyLimit,
            schema: {
              summary: 'Open311: create a service request',
              tags: ['open311'],
              consumes: [FORM, 'application/json'],
              body: postSchema,
              // The live category table, the city boundary, the grid, the configured jurisdiction and the service's attributes.
              'x-checked-beyond-schema': [
                'service_code',
                'category',
                'lat',
                'location',
                'address_id',
                'jurisdiction_id',
                'attribute',
                'household',
              ],
              response: open311Route([format], { 403: 'an unknown api_key' }).response,
            },
          },
          async (request, reply) => send(reply, format, 'service_requests', await create(request.body, request)),
        );

        scope.get<{ Querystring: Record<string, string | undefined> }>(
          path,
          {
            config: open311Route([format]).config,
            schema: {
              summary: 'Open311: list service requests',
              tags: ['open311'],
              querystring: listQuery,
              'x-checked-beyond-schema': ['jurisdiction_id', 'start_date', 'end_date'],
              response: open311Route([format]).response,
            },
          },
          async (request, reply) => send(reply, format, 'service_requests', await list(request.query)),
        );
      }

      scope.get<{ Params: { file: string }; Querystring: Record<string, string | undefined> }>(
        '/requests/:file',
        {
          config: open311Route(BOTH).config,
          schema: {
            summary: 'Open311: one service request',
            tags: ['open311'],
            params: fileParam('a service_request_id'),
            querystring: jurisdictionQuery,
            'x-checked-beyond-schema': ['jurisdiction_id'],
            response: open311Route(BOTH, { 404: 'no such service request' }).response,
          },
        },
        async (request, reply) => {
          checkJurisdiction(request.query['jurisdiction_id']);
          const { name: id, format } = splitFormat(request.params.file);
          // Both documents are keyed by the report id: two `_id` lookups at once, one round trip of waiting.
          const [view, progress] = await Promise.all([intake.get(id), options.caseProgress.forReport(id)]);
          return send(reply, format, 'service_requests', [toOpen311Request(view, table(), hasOwnCase(view) ? progress : null)]);
        },
      );

      scope.get<{ Params: { file: string }; Querystring: Record<string, string | undefined> }>(
        '/tokens/:file',
        {
          config: open311Route(BOTH).config,
          schema: {
            summary: 'Open311: the service request id of a token',
            tags: ['open311'],
            params: fileParam('a token'),
            querystring: jurisdictionQuery,
            'x-checked-beyond-schema': ['jurisdiction_id'],
            response: open311Route(BOTH, { 404: 'no report with this tracking token' }).response,
          },
        },
        async (request, reply) => {
          checkJurisdiction(request.query['jurisdiction_id']);
          const { name: token, format } = splitFormat(request.params.file);
          const view = await intake.byToken(token);
          return send(reply, format, 'service_requests', [{ service_request_id: view.reportId, token }]);
        },
      );

      async function create(b: PostBody, request: FastifyRequest) {
        checkJurisdiction(b['jurisdiction_id']);
        const code = b['service_code'];
        const category = typeof code === 'string' ? table().categories.get(code as never) : undefined;
        let household: Household | null = null;
        if (category) {
          // Only the attributes the service definition lists: a misspelt code would otherwise vanish unnoticed.
          const defined = attributesOf(category).map((a) => a.code as string);
          const unknown = Object.keys(b.attribute ?? {}).filter((k) => !defined.includes(k));
          if (unknown.length > 0)
            throw new ValidationError(`attribute[${unknown[0]}] is not an attribute of service ${category.code}`, [
              {
                field: `attribute[${unknown[0]}]`,
                message: `this service defines only ${defined.map((d) => `attribute[${d}]`).join(', ')}`,
              },
            ]);
          if (isHouseholdComplaint(category)) household = householdOf(category, b.attribute ?? {});
        }
        let channel: Channel = 'citizen';
        const apiKey = str(b['api_key']);
        if (apiKey !== undefined) {
          const mapped = options.apiKeys.get(apiKey);
          if (!mapped) throw new ForbiddenError('unknown api_key');
          channel = mapped;
        }
        const location =
          typeof b['lat'] === 'number' && typeof b['long'] === 'number'
            ? { lat: b['lat'], lon: b['long'] }
            : locate(str(b['address_id']), str(b['address_string']));
        const name = [str(b['last_name']), str(b['first_name'])].filter(Boolean).join('');
        const phone = str(b['phone']);
        const media = str(b['media_url']);
        // The reporter's own words for the place go with the description, where the centre's staff read them.
        const address = str(b['address_string']);
        const description = [str(b['description']), address ? `地址 address: ${address}` : undefined].filter(Boolean).join('\n');
        const result = await intake.submit(
          {
            channel,
            category: code,
            location,
            crs: parseCrs(b.attribute?.['crs'], 'attribute[crs]'),
            description,
            ...(household ? { household } : {}),
            photoRefs: media ? [media] : [],
            ...(name || phone ? { reporter: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {}),
            issueToken: true,
          },
          metaFor(request, request.principal ?? ANONYMOUS_CITIZEN),
        );
        return [
          {
            service_request_id: result.report.reportId,
            token: result.token ?? undefined,
            service_notice: result.report.statusNotes,
            account_id: null,
          },
        ];
      }

      async function list(q: Record<string, string | undefined>) {
        checkJurisdiction(q['jurisdiction_id']);
        let views: ReportView[];
        const ids = str(q['service_request_id']);
        if (ids) {
          const wanted = ids
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
            .slice(0, MAX_LIST);
          views = (await Promise.all(wanted.map((id) => intake.get(id).catch(() => null)))).filter((v): v is ReportView => v !== null);
        } else {
          const end = date(q['end_date'], 'end_date') ?? options.now();
          const start = date(q['start_date'], 'start_date') ?? new Date(end.getTime() - DEFAULT_DAYS * 86_400_000);
          if (start > end)
            throw new ValidationError('start_date is after end_date', [{ field: 'start_date', message: 'must not be after end_date' }]);
          const days: string[] = [];
          for (
            let t = Math.max(start.getTime(), end.getTime() - DEFAULT_DAYS * 86_400_000);
            t <= end.getTime() + 86_400_000;
            t += 86_400_000
          )
            days.push(shanghaiDay(new Date(t).toISOString()));
          views = (await intake.listByDays([...new Set(days)], MAX_LIST)).filter(
            (v) => Date.parse(v.receivedAt) >= start.getTime() && Date.parse(v.receivedAt) <= end.getTime(),
          );
        }
        const codes = str(q['service_code'])?.split(',');
        const status = str(q['status'])?.split(',');
        const selected = views.filter((v) => !codes || codes.includes(v.category));
        const requests = await Promise.all(selected.map(async (v) => toOpen311Request(v, table(), await progressOf(v))));
        return requests.filter((r) => !status || status.includes(r.status));
      }

      /** Merged and rejected reports have no case of their own; the others may. */
      async function progressOf(v: ReportView): Promise<CaseProgress | null> {
        return hasOwnCase(v) ? options.caseProgress.forReport(v.reportId) : null;
      }

      /**
       * The flat a household's complaint names: every part is required (a blank one is missing), and
       * the values are checked as every channel's are (`validateHousehold`), named as the attributes.
       */
      function householdOf(category: Category, attributes: Readonly<Record<string, string>>): Household {
        const missing = HOUSEHOLD_ATTRIBUTES.map((a) => a.code).filter((k) => str(attributes[k]) === undefined);
        if (missing.length > 0)
          throw new ValidationError(
            `attribute[${missing[0]}] is required for service ${category.code}: a heating complaint names the flat`,
            missing.map((k) => ({ field: `attribute[${k}]`, message: 'is required (compound, building, unit and room of the flat)' })),
          );
        const raw = Object.fromEntries(HOUSEHOLD_ATTRIBUTES.map((a) => [a.code, attributes[a.code]])) as Record<HouseholdKey, string>;
        try {
          return validateHousehold(raw, category)!;
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          const violations = e.violations.map((v) => ({ ...v, field: v.field.replace(/^household\.(\w+)$/, 'attribute[$1]') }));
          throw new ValidationError(`${violations[0]?.field ?? 'attribute'} is not a valid part of a flat`, violations);
        }
      }

      function locate(addressId: string | undefined, addressString: string | undefined): { lat: number; lon: number } {
        const centre = addressId ? options.cellCentre(addressId) : null;
        if (!centre) throw locationRequired({ address_string: addressString });
        return centre;
      }
    },
    { prefix: '/open311/v2' },
  );
}

/** `{name}.json`, `{name}.xml` or `{name}` (XML). */
const fileParam = (what: string) =>
  ({
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string', minLength: 1, maxLength: 120, description: `${what}, with .json or .xml (default)` } },
  }) as const;

function locationRequired(body: unknown): ValidationError {
  const addressString = str((body as Record<string, unknown> | null | undefined)?.['address_string']);
  return new ValidationError('a location is required', [
    {
      field: 'lat',
      message: `give lat and long (WGS84, or the datum named in attribute[crs]), or address_id naming a grid cell${
        addressString ? '; address_string alone cannot be placed on the grid' : ''
      }`,
    },
  ]);
}

const hasOwnCase = (v: ReportView): boolean => v.status !== 'duplicate' && v.status !== 'rejected';

function date(raw: string | undefined, field: string): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime()))
    throw new ValidationError(`${field} is not a date`, [{ field, message: 'must be a W3C / ISO 8601 date-time' }]);
  return d;
}
