import { ValidationError } from '@yiwang/kernel-core';
import {
  facilityDecider,
  facilityStreamId,
  importCsv,
  importGeoJson,
  shanghaiDay,
  taskDecider,
  taskIdOf,
  taskStreamId,
  type Actor,
  type TaskCommand,
  type TaskEvent,
  type TaskFacility,
  type ImportResult,
  type RejectedRow,
  type WorkRecordInput,
} from '../domain';
import { type SanitationService } from './sanitation-service';
import { type SanitationQueries } from './queries';

/** Rows of an import stored at once: enough to hide the round-trip latency, few enough to leave the database to others. */
export const IMPORT_CONCURRENCY = 8;

/** Runs `fn` over the items, IMPORT_CONCURRENCY at a time; the first failure fails the whole run. */
async function inPool<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(IMPORT_CONCURRENCY, items.length) }, worker));
}

export type ImportSummary = Readonly<{ registered: number; updated: number; unchanged: number; rejected: readonly RejectedRow[] }>;

/**
 * Use cases that span many streams: a facility import (each accepted row registered or updated
 * on its own stream; a row refused by the decider joins the rejected list), a gateway's batch of
 * work records (one command per facility and day), and closing a day's road sheets.
 */
export class SanitationCommands {
  constructor(
    private readonly service: SanitationService,
    private readonly queries: SanitationQueries,
  ) {}

  async importFacilities(format: string, content: string, actor: Actor): Promise<ImportSummary> {
    if (typeof content !== 'string' || content.length > 20_000_000)
      throw new ValidationError('content must be the file as text (at most 20 MB)', [
        { field: 'content', message: 'missing or too large' },
      ]);
    let parsed: ImportResult;
    if (format === 'csv') parsed = importCsv(content, this.service.standards);
    else if (format === 'geojson') parsed = importGeoJson(content, this.service.standards);
    else throw new ValidationError('format must be csv or geojson', [{ field: 'format', message: JSON.stringify(format) }]);
    let registered = 0;
    let updated = 0;
    let unchanged = 0;
    const rejected: RejectedRow[] = [...parsed.rejected];
    // Each facility is its own stream (one load and one append per row): rows go IMPORT_CONCURRENCY at a time.
    await inPool(parsed.accepted, async (details) => {
      try {
        const result = await this.service.execute(
          facilityDecider,
          facilityStreamId(details.facilityId),
          { type: 'ImportFacility', actor, data: { details, standards: this.service.standards, at: this.service.now() } },
          { actor },
        );
        const type = result.events[0]?.type;
        if (type === 'sanitation.facility.registered.v1') registered++;
        else if (type === 'sanitation.facility.updated.v1') updated++;
        else unchanged++;
      } catch (e) {
        rejected.push({ row: 0, facilityId: details.facilityId, errors: [e instanceof Error ? e.message : String(e)] });
      }
    });
    return { registered, updated, unchanged, rejected };
  }

  async recordWork(
    records: readonly (WorkRecordInput & { facilityId?: unknown })[],
    actor: Actor,
  ): Promise<{ accepted: number; duplicates: number; taskIds: string[] }> {
    if (!Array.isArray(records) || records.length === 0 || records.length > 5000)
      throw new ValidationError('a batch holds 1 to 5000 records', [{ field: 'records', message: 'empty or too large' }]);
    const groups = new Map<string, { facilityId: string; day: string; records: WorkRecordInput[] }>();
    records.forEach((r, i) => {
      const facilityId = typeof r.facilityId === 'string' ? r.facilityId : '';
      const started = typeof r.startedAt === 'string' && !Number.isNaN(Date.parse(r.startedAt)) ? r.startedAt : null;
      if (!facilityId || !started)
        throw new ValidationError(`records[${i}] needs a facilityId and a startedAt instant`, [
          { field: `records[${i}]`, message: 'facilityId or startedAt missing' },
        ]);
      const day = shanghaiDay(started);
      const key = taskIdOf(facilityId, day);
      const g = groups.get(key) ?? { facilityId, day, records: [] as WorkRecordInput[] };
      g.records.push(r);
      groups.set(key, g);
    });
    // Everything is checked before anything is stored: a batch with an unknown facility or device stores nothing.
    const devices = await this.service.devices(records.map((r) => String(r.deviceId ?? '')));
    const facilities = new Map<string, Promise<TaskFacility | null>>();
    const facilityOf = (id: string) => {
      if (!facilities.has(id)) facilities.set(id, this.service.taskFacility(id));
      return facilities.get(id)!;
    };
    const prepared: Array<{ taskId: string; command: TaskCommand; version: number; events: readonly TaskEvent[] }> = [];
    // Every facility-day is its own stream: loaded and decided, then stored, IMPORT_CONCURRENCY streams at a time.
    await inPool([...groups], async ([taskId, g]) => {
      const facility = await facilityOf(g.facilityId);
      const command: TaskCommand = {
        type: 'RecordWork',
        actor,
        data: { facility, day: g.day, devices, records: g.records, at: this.service.now() },
      };
      const { state, version } = await this.load(taskId);
      prepared.push({ taskId, command, version, events: taskDecider.decide(command, state) });
    });
    let accepted = 0;
    const count = (events: readonly { data: unknown }[]) => {
      for (const e of events) accepted += (e.data as { records: unknown[] }).records.length;
    };
    // What was checked is stored as decided; a stream that moved in between (another batch of the
    // same facility-day) is decided again on its new state by the handler.
    await inPool(prepared, async ({ taskId, command, version, events }) => {
      const stored = await this.service.appendDecided(taskStreamId(taskId), version, events, { actor });
      if (stored !== false) count(events);
      else count((await this.service.execute(taskDecider, taskStreamId(taskId), command, { actor })).events);
    });
    prepared.sort((a, b) => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
    return { accepted, duplicates: records.length - accepted, taskIds: prepared.map((p) => p.taskId) };
  }

  private async load(taskId: string) {
    const { events, version } = await this.service.store.readStream(taskStreamId(taskId));
    const state = events.reduce((s, e) => taskDecider.evolve(s, { type: e.type, data: e.data } as never), taskDecider.initialState());
    return { state, version };
  }

  /** Closes the day's sheet of every active road: runs done against the grade's standard. */
  async closeDay(day: string, actor: Actor): Promise<{ closed: number; missingRuns: number }> {
    let closed = 0;
    let missingRuns = 0;
    // Each road-day is its own stream: closed IMPORT_CONCURRENCY at a time (a city has over a hundred roads).
    await inPool(await this.queries.facilityIds('road'), async (id) => {
      const facility = await this.service.taskFacility(id);
      if (!facility) return;
      const standard = this.service.standards.grades.get(facility.grade) ?? null;
      const result = await this.service.execute(
        taskDecider,
        taskStreamId(taskIdOf(id, day)),
        { type: 'CloseDay', actor, data: { facility, day, standard, at: this.service.now() } },
        { actor },
      );
      for (const e of result.events) {
        closed++;
        missingRuns += (e.data as { missingRuns: number }).missingRuns;
      }
    });
    return { closed, missingRuns };
  }
}
