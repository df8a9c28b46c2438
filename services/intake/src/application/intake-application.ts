import { createHash, randomBytes } from 'node:crypto';
import {
  CommandHandler,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  uuidv7,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from '@yiwang/kernel-core';
import type { PersonalDataVault, Projector } from '@yiwang/kernel-mongodb';
import {
  lookupCategory,
  reportDecider,
  reportStreamId,
  requireRole,
  IntakeRoles,
  type Actor,
  type CategoryTable,
  type Channel,
  type ReportCommand,
  type ReportEvent,
  type ReportState,
} from '../domain';
import type { Clock } from '@yiwang/kernel-core';
import { instantOf } from './clock';
import { parseCrs, toWgs84, type Crs } from './coordinate-systems';
import { type DuplicateFinder } from './duplicate-finder';
import { type GridLocator } from './grid-locator';
import { reportEventMapping } from './report-mapping';
import { currentTable, type CategorySource } from './category-catalogue';
import { sealingReporterContacts } from './reporter-contact-sealing';
import { reportModels, type ReportView } from './projections/reports-projection';
import { indexModels } from './projections/report-index-projection';

/** Who acts, and the tracing context to stamp on the events. */
export type CallMeta = Readonly<{ actor: Actor; correlationId?: string; causationId?: string; traceparent?: string }>;

/** A report as any channel delivers it, before validation (the edges only check shapes). */
export type Submission = Readonly<{
  channel: Channel;
  category: unknown;
  location: unknown;
  crs?: Crs;
  description?: unknown;
  photoRefs?: readonly string[];
  reporter?: Readonly<{ name?: string; phone?: string }>;
  sensor?: Readonly<{ deviceId: string; alarmId: string }>;
  externalId?: string;
  /** Issue a tracking token to the reporter (citizens, hotline callers, Open311). */
  issueToken?: boolean;
  /** A client's idempotency key: the same key (from the same caller) gives the same report. */
  idempotencyKey?: string;
  /** The flat of a heating complaint: the report is handed to heating once filed. */
  household?: Readonly<{ compound: string; building: string; unit: string; room: string }>;
}>;

export type SubmitResult = Readonly<{ report: ReportView; created: boolean; token: string | null }>;

/** The intake process manager acts on other services' events with this identity. */
export const SYSTEM_ACTOR: Actor = { subject: 'intake-process', department: 'system.intake', roles: ['system'] };

const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

function requiredString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 80)
    throw new ValidationError(`${field} is required`, [{ field, message: 'must be non-empty text of at most 80 characters' }]);
  return value;
}

export type IntakeApplicationDeps = Readonly<{
  store: EventStore;
  /** The category table, or a live source of the current one (see CategoryCatalogue). */
  categories: CategoryTable | CategorySource;
  grid: GridLocator;
  duplicates: DuplicateFinder;
  /** The `reports` projector, applied inline after every command (read-your-writes). */
  reports: Projector;
  /** The `report_index` projector (by day, open by category), fed by the log only. */
  index: Projector;
  clock: Clock;
  /** Crypto-shredding of reporters' contacts: sealed per report (subject = report id) before storing. */
  vault: PersonalDataVault;
  onWarning?: (message: string, error: unknown) => void;
}>;

/**
 * The intake use cases: every channel's report goes through `submit` (lookups, conversion, grid
 * cell, duplicate search, then the decider), the centre's decisions through `file` / `reject`,
 * and dispatch's case events through `linkCase` / `closeFromCase`.
 */
export class IntakeApplication {
  readonly handler: CommandHandler<ReportCommand, ReportEvent, ReportState>;

  constructor(private readonly deps: IntakeApplicationDeps) {
    this.handler = new CommandHandler(sealingReporterContacts(deps.store, deps.vault), reportDecider, reportEventMapping, {
      afterAppend: async (_stream, _state, events) => {
        await deps.reports
          .applyInline(events)
          .catch((e: unknown) => deps.onWarning?.('inline projection failed (the projector will catch up)', e));
      },
    });
  }

  async submit(s: Submission, meta: CallMeta): Promise<SubmitResult> {
    const { categories, grid, duplicates, clock } = this.deps;
    const category = lookupCategory(currentTable(categories), s.category, 'category');
    const location = toWgs84(s.location, parseCrs(s.crs));
    const cell = grid.locate(location);
    const reportId = this.reportIdFor(s, meta.actor);
    const token = s.issueToken ? randomBytes(12).toString('base64url') : null;
    const snapshot = { code: category.code, urgency: category.urgency, unitType: category.unitType, deadline: category.deadline };

    return duplicates.exclusive(category.code, async () => {
      const at = instantOf(clock);
      // Households of one building complain about their own flats: none is a duplicate of another.
      const master = s.household ? null : await duplicates.find({ channel: s.channel, category: category.code, location, receivedAt: at });
      const command: ReportCommand = {
        type: 'ReceiveReport',
        actor: meta.actor,
        data: {
          reportId,
          channel: s.channel,
          category: snapshot,
          location,
          cell,
          description: (s.description ?? '') as string,
          photoRefs: s.photoRefs ?? [],
          ...(s.reporter ? { reporter: s.reporter } : {}),
          ...(s.sensor ? { sensor: s.sensor } : {}),
          ...(s.externalId !== undefined ? { externalId: s.externalId } : {}),
          ...(token ? { trackingToken: token } : {}),
          ...(master ? { duplicateOf: { reportId: master.reportId, caseId: master.caseId } } : {}),
          ...(s.household ? { household: s.household } : {}),
          at,
        },
      };
      let result;
      try {
        result = await this.handler.handle(reportStreamId(reportId as never), command, { metadata: this.metadata(meta) });
      } catch (e) {
        // Only deterministic ids can exist already: the same order / alarm / retried request.
        if (e instanceof IllegalStateError) return { report: await this.view(reportId), created: false, token: null };
        throw e;
      }
      const state = result.state;
      const cause = result.events[0];
      if (state.status === 'filed' && !state.handover)
        duplicates.remember({ reportId, caseId: null, category: category.code, location, receivedAt: at });
      if (master && state.status === 'duplicate') {
        await this.system(
          master.reportId,
          { type: 'AbsorbDuplicate', actor: SYSTEM_ACTOR, data: { duplicateReportId: reportId, at } },
          meta,
          cause,
        );
      }
      if (state.status !== 'none' && state.status !== 'awaiting_filing' && state.hasContact) {
        await this.system(reportId, { type: 'NotifyReporter', actor: SYSTEM_ACTOR, data: { at } }, meta, cause);
      }
      return { report: await this.view(reportId, state), created: true, token };
    });
  }

  /** 立案 by the supervision centre; an off-grid report needs `cellId`. */
  async file(reportId: string, input: Readonly<{ cellId?: string; note?: string }>, meta: CallMeta): Promise<ReportView> {
    const cell = input.cellId ? this.deps.grid.cell(input.cellId) : undefined;
    const at = instantOf(this.deps.clock);
    const result = await this.handle(
      reportId,
      {
        type: 'FileReport',
        actor: meta.actor,
        data: { ...(cell ? { cell } : {}), ...(input.note !== undefined ? { note: input.note } : {}), at },
      },
      meta,
    );
    const s = result.state;
    if (s.status === 'filed') {
      // A household's complaint is no master for later reports nearby (as in `submit`): the next flat's is its own.
      if (!s.handover)
        this.deps.duplicates.remember({ reportId, caseId: null, category: s.category.code, location: s.location, receivedAt: at });
      if (s.hasContact) await this.system(reportId, { type: 'NotifyReporter', actor: SYSTEM_ACTOR, data: { at } }, meta, result.events[0]);
    }
    return this.view(reportId, s);
  }

  /** 不予立案 with a reason code. */
  async reject(reportId: string, input: Readonly<{ reason: string; note?: string }>, meta: CallMeta): Promise<ReportView> {
    const at = instantOf(this.deps.clock);
    const data = { reason: input.reason as never, ...(input.note !== undefined ? { note: input.note } : {}), at };
    const result = await this.handle(reportId, { type: 'RejectReport', actor: meta.actor, data }, meta);
    if (result.state.status === 'rejected' && result.state.hasContact) {
      await this.system(reportId, { type: 'NotifyReporter', actor: SYSTEM_ACTOR, data: { at } }, meta, result.events[0]);
    }
    return this.view(reportId, result.state);
  }

  /** Dispatch opened a case for the report. */
  async linkCase(reportId: string, caseId: string, meta: CallMeta): Promise<void> {
    await this.handle(reportId, { type: 'LinkCase', actor: SYSTEM_ACTOR, data: { caseId, at: instantOf(this.deps.clock) } }, meta);
  }

  /** Dispatch closed the case: close the report and every report merged into it, and tell the reporters. */
  async closeFromCase(reportId: string, caseId: string | null, meta: CallMeta): Promise<readonly string[]> {
    const at = instantOf(this.deps.clock);
    const { state } = await this.handler.load(reportStreamId(reportId as never));
    const merged = state.status === 'filed' ? state.duplicates : [];
    const closed: string[] = [];
    for (const id of [reportId, ...merged]) {
      const r = await this.handle(id, { type: 'CloseReport', actor: SYSTEM_ACTOR, data: { caseId, at } }, meta);
      if (r.state.status === 'closed' && r.state.hasContact)
        await this.system(id, { type: 'NotifyReporter', actor: SYSTEM_ACTOR, data: { at } }, meta, r.events[0]);
      closed.push(id);
    }
    return closed;
  }

  /**
   * PIPL erasure of the reporter's contact: the report's data key is deleted first (every sealed
   * copy, in the store, Kafka and backups, is unreadable from then on), then the erasure is
   * recorded. Idempotent: a repeat deletes nothing and appends nothing.
   */
  async eraseReporterContact(
    reportId: string,
    input: Readonly<{ reason?: string }>,
    meta: CallMeta,
  ): Promise<Readonly<{ erased: boolean }>> {
    requireRole(meta.actor, 'EraseReporterContact', IntakeRoles.supervisionCentre, IntakeRoles.system);
    const { state } = await this.handler.load(reportStreamId(reportId as never));
    if (state.status === 'none') throw new NotFoundError(`no report ${reportId}`, { reportId });
    await this.deps.vault.erase(reportId);
    const reason = input.reason ?? 'erasure requested by the reporter (PIPL art. 47)';
    const result = await this.handle(
      reportId,
      { type: 'EraseReporterContact', actor: meta.actor, data: { reason, at: instantOf(this.deps.clock) } },
      meta,
    );
    return { erased: result.events.length > 0 };
  }

  async get(reportId: string): Promise<ReportView> {
    const view = await reportModels(await this.deps.reports.models()).byId.get(reportId);
    if (view) return view;
    const { state } = await this.handler
      .load(reportStreamId(reportId as never))
      .catch(() => ({ state: { status: 'none' } as ReportState }));
    if (state.status === 'none') throw new NotFoundError(`no report ${reportId}`, { reportId });
    return this.view(reportId, state);
  }

  async byToken(token: string): Promise<ReportView> {
    const ref = await reportModels(await this.deps.reports.models()).byToken.get(token);
    if (!ref) throw new NotFoundError('no report with this tracking token');
    return this.get(ref.reportId);
  }

  /**
   * Reports received on the given days (Asia/Shanghai), newest first: one `_id` lookup per day
   * and per report, never a scan. The day index lags the log slightly (it is not inline).
   */
  async listByDays(days: readonly string[], limit: number): Promise<ReportView[]> {
    const byDay = indexModels(await this.deps.index.models()).byDay;
    const ids: string[] = [];
    for (const day of [...days].sort().reverse()) {
      const doc = await byDay.get(day);
      ids.push(...[...(doc?.reports ?? [])].reverse());
      if (ids.length >= limit) break;
    }
    const views = await Promise.all(ids.slice(0, limit).map((id) => this.get(id).catch(() => null)));
    return views.filter((v): v is ReportView => v !== null);
  }

  private reportIdFor(s: Submission, actor: Actor): string {
    if (s.channel === 'opscenter') return `wo-${digest(requiredString(s.externalId, 'externalId'))}`;
    if (s.channel === 'sensor') {
      return `sn-${digest(requiredString(s.sensor?.deviceId, 'sensor.deviceId'), requiredString(s.sensor?.alarmId, 'sensor.alarmId'))}`;
    }
    if (s.idempotencyKey !== undefined) return `rq-${digest(actor.subject, requiredString(s.idempotencyKey, 'idempotencyKey'))}`;
    return uuidv7();
  }

  private metadata(meta: CallMeta, cause?: RecordedEvent): Omit<EventMetadata, 'commandId'> {
    return {
      actor: meta.actor,
      ...(meta.correlationId ? { correlationId: meta.correlationId } : cause ? { correlationId: cause.correlationId } : {}),
      ...(cause ? { causationId: cause.id } : meta.causationId ? { causationId: meta.causationId } : {}),
      ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    };
  }

  private handle(reportId: string, command: ReportCommand, meta: CallMeta) {
    return this.handler.handle(reportStreamId(reportId as never), command, { metadata: this.metadata(meta) });
  }

  /** A follow-up command of the process (absorb, notify): never fails the caller's request, which is recorded already. */
  private async system(reportId: string, command: ReportCommand, meta: CallMeta, cause: RecordedEvent | undefined): Promise<void> {
    try {
      await this.handler.handle(reportStreamId(reportId as never), command, {
        metadata: { ...this.metadata(meta, cause), actor: SYSTEM_ACTOR },
      });
    } catch (e) {
      this.deps.onWarning?.(`${command.type} on report ${reportId} failed`, e);
    }
  }

  private async view(reportId: string, state?: ReportState): Promise<ReportView> {
    const view = await reportModels(await this.deps.reports.models()).byId.get(reportId);
    if (view) return view;
    if (!state || state.status === 'none') throw new NotFoundError(`no report ${reportId}`, { reportId });
    // The inline projection failed: answer from the aggregate itself.
    return {
      reportId,
      status: state.status,
      channel: state.channel,
      category: state.category.code,
      unitType: state.category.unitType,
      location: state.location,
      cell: state.cell,
      description: '',
      photoRefs: [],
      receivedAt: state.receivedAt,
      updatedAt: state.receivedAt,
      externalId: null,
      hasContact: state.hasContact,
      caseId: 'caseId' in state ? state.caseId : null,
      masterReportId: state.status === 'duplicate' ? state.masterReportId : null,
      duplicateCount: state.status === 'filed' ? state.duplicates.length : 0,
      rejection: state.status === 'rejected' ? { reason: state.reason, note: '' } : null,
      statusNotes: state.status,
    };
  }
}
