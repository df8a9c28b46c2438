import { problems, type HttpApp } from '@yiwang/platform';
import { type IntakeApplication } from '../../application/intake-application';
import { COORDINATE_SYSTEMS, type Crs } from '../../application/coordinate-systems';
import { type ReportView } from '../../application/projections/reports-projection';
import { type CaseProgress } from '../../application/case-progress/case-progress';
import { reporterStatus } from '../../application/case-progress/reporter-status';
import { IntakeRoles } from '../../domain';
import { callerWithRole, idempotencyKey, IntakeHttpRoles, metaFor } from './http-context';

/** The form of a category code; whether the table knows it is checked against the current table. */
export const CATEGORY_CODE_PATTERN = '^(component|event)\\.[0-9]{2}\\.[0-9]{2}$';
/** At least one character that is not white space. */
const NOT_BLANK = '\\S';
/** What a schema-valid report may still be refused for: the live category table, the city boundary. */
const CHECKED_BEYOND_SCHEMA = ['category', 'location', 'household'];

/** Citizens' reports and the 12345 hotline's: the same JSON body (schema below), two channels. */
const reportBody = {
  type: 'object',
  required: ['category', 'location', 'description'],
  additionalProperties: false,
  properties: {
    category: {
      type: 'string',
      pattern: CATEGORY_CODE_PATTERN,
      description: 'category code, e.g. event.01.02 (暴露垃圾), one of GET /v1/categories (the table can be revised at run time)',
    },
    location: {
      type: 'object',
      required: ['lat', 'lon'],
      additionalProperties: false,
      properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 } },
      description: 'a point inside the city served by this intake',
    },
    crs: {
      type: 'string',
      enum: COORDINATE_SYSTEMS,
      description: 'datum of location: wgs84 (GPS, default), gcj02 (AMap, Tencent maps) or bd09 (Baidu maps); converted to WGS84 on intake',
    },
    description: { type: 'string', minLength: 1, maxLength: 2000, pattern: NOT_BLANK },
    photoRefs: { type: 'array', maxItems: 10, items: { type: 'string', minLength: 1, maxLength: 500 } },
    reporter: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', maxLength: 50, pattern: '^$|\\S', description: 'empty or not blank' },
        phone: { type: 'string', maxLength: 20, pattern: '^$|^\\+?[0-9][0-9 -]{4,19}$' },
      },
    },
  },
} as const;

type ReportBody = {
  category: string;
  location: { lat: number; lon: number };
  crs?: Crs;
  description: string;
  photoRefs?: string[];
  reporter?: { name?: string; phone?: string };
};

const accepted = {
  type: 'object',
  properties: {
    reportId: { type: 'string' },
    token: { type: 'string' },
    status: { type: 'string' },
    statusNotes: { type: 'string' },
    statusUrl: { type: 'string' },
  },
} as const;

/**
 * What a reporter may see of a report: no personal data, no internal notes. `status` stays
 * intake's own (awaiting_filing, filed, …); once dispatch has a case for it, `case` says where it
 * is (`step`), which unit has it, by when, and how it ended.
 */
export const publicStatus = (v: ReportView, progress: CaseProgress | null = null) => {
  const s = reporterStatus(v, progress);
  return {
    reportId: v.reportId,
    status: v.status,
    statusNotes: s.statusNotes,
    category: v.category,
    receivedAt: v.receivedAt,
    updatedAt: s.updatedAt,
    ...(v.masterReportId ? { mergedInto: v.masterReportId } : {}),
    ...(v.cell ? { district: v.cell.district, street: v.cell.street } : {}),
    ...(progress && v.status !== 'duplicate' && v.status !== 'rejected'
      ? {
          case: {
            step: s.step,
            open: s.status === 'open',
            unit: progress.unit ? { id: progress.unit.id, name: progress.unit.name.zh, nameEn: progress.unit.name.en } : null,
            deadline: s.expectedAt,
            overdue: s.overdue,
            closedAt: s.closedAt,
            result: s.result,
          },
        }
      : {}),
  };
};

export type ReportRoutesOptions = Readonly<{
  publicBodyLimit: number;
  /** The case dispatch opened for a report (see Open311's option of the same name). */
  caseProgress: Readonly<{ forReport(reportId: string): Promise<CaseProgress | null> }>;
}>;

export function registerReportRoutes(app: HttpApp, intake: IntakeApplication, options: ReportRoutesOptions): void {
  const toSubmission = (b: ReportBody) => ({
    category: b.category,
    location: b.location,
    crs: b.crs ?? 'wgs84',
    description: b.description,
    photoRefs: b.photoRefs ?? [],
    ...(b.reporter ? { reporter: b.reporter } : {}),
    issueToken: true,
  });

  app.post<{ Body: ReportBody }>(
    '/v1/reports',
    {
      config: { public: true },
      bodyLimit: options.publicBodyLimit,
      schema: {
        summary: 'A citizen reports a problem (public)',
        description: 'A repeat with the same Idempotency-Key answers 200 with the first answer.',
        tags: ['reports'],
        body: reportBody,
        'x-checked-beyond-schema': CHECKED_BEYOND_SCHEMA,
        response: { 201: accepted, 200: accepted },
      },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const result = await intake.submit(
        { ...toSubmission(request.body), channel: 'citizen', ...(key ? { idempotencyKey: key } : {}) },
        metaFor(request, undefined),
      );
      const token = result.token ?? '';
      return reply.code(result.created ? 201 : 200).send({
        reportId: result.report.reportId,
        token,
        status: result.report.status,
        statusNotes: result.report.statusNotes,
        statusUrl: token ? `/v1/reports/${token}` : '',
      });
    },
  );

  app.post<{ Body: ReportBody }>(
    '/v1/hotline/reports',
    {
      bodyLimit: options.publicBodyLimit,
      schema: {
        summary: 'A 12345 hotline agent records a caller’s report (role hotline.agent)',
        tags: ['reports'],
        body: reportBody,
        'x-checked-beyond-schema': CHECKED_BEYOND_SCHEMA,
        response: { 201: accepted, 200: accepted, ...problems({ 403: 'without role hotline.agent' }) },
      },
    },
    async (request, reply) => {
      const principal = callerWithRole(request, IntakeHttpRoles.hotline);
      const key = idempotencyKey(request);
      const result = await intake.submit(
        { ...toSubmission(request.body), channel: 'hotline', ...(key ? { idempotencyKey: key } : {}) },
        metaFor(request, principal),
      );
      const token = result.token ?? '';
      return reply.code(result.created ? 201 : 200).send({
        reportId: result.report.reportId,
        token,
        status: result.report.status,
        statusNotes: result.report.statusNotes,
        statusUrl: token ? `/v1/reports/${token}` : '',
      });
    },
  );

  app.get<{ Params: { token: string } }>(
    '/v1/reports/:token',
    {
      config: { public: true },
      schema: {
        summary: 'A report’s status by its tracking token (public)',
        tags: ['reports'],
        params: {
          type: 'object',
          required: ['token'],
          properties: { token: { type: 'string', minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
        },
        response: problems({ 404: 'no report with this tracking token' }),
      },
    },
    async (request) => {
      const view = await intake.byToken(request.params.token);
      return publicStatus(
        view,
        view.status === 'duplicate' || view.status === 'rejected' ? null : await options.caseProgress.forReport(view.reportId),
      );
    },
  );

  app.delete<{ Params: { id: string }; Querystring: { reason?: string } }>(
    '/v1/reports/:id/contact',
    {
      schema: {
        summary: 'PIPL erasure of the reporter’s name and phone (role centre.supervision); idempotent',
        description:
          'Deletes the report’s personal-data key (crypto-shredding: every sealed copy of the contact in the event store, Kafka and backups becomes unreadable) and records intake.report.reporter_contact_erased.v1. Requires a bearer token with role centre.supervision (403 otherwise); 404 for an unknown report; a repeat answers 204 again and records nothing.',
        tags: ['reports', 'privacy'],
        security: [{ bearerAuth: [] }],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 1, maxLength: 200, description: 'why (default: the reporter’s request)' } },
        },
        response: {
          204: { type: 'null', description: 'the contact is erased (now or before)' },
          ...problems({ 403: 'without role centre.supervision', 404: 'no such report' }),
        },
      },
    },
    async (request, reply) => {
      const principal = callerWithRole(request, IntakeRoles.supervisionCentre);
      const reason = request.query.reason;
      await intake.eraseReporterContact(request.params.id, reason !== undefined ? { reason } : {}, metaFor(request, principal));
      return reply.code(204).send();
    },
  );
}
