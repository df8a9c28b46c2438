import {
  CommandHandler,
  IllegalStateError,
  uuidv7,
  ValidationError,
  type Clock,
  type EventStore,
  type RecordedEvent,
} from '@yiwang/kernel-core';
import {
  DeciCelsius,
  inSeason,
  instantFromMillis,
  newTrack,
  offlineDueMs,
  pointDecider,
  pointOf,
  pointStreamId,
  PointId,
  silentPoints,
  trackReadings,
  type Actor,
  type CityConfig,
  type PointEvent,
  type PointTrack,
  type Signal,
} from '../domain';

export type ValidReading = Readonly<{ pointId: string; atMs: number; deci: number }>;

/** The rule state of the points of one shard, at one version (`seq`). */
export type TrackShard = Readonly<{ shard: string; seq: number; tracks: Readonly<Record<string, PointTrack>> }>;

/** Where readings and the per-point rule state live (MongoDB: adapters/mongo/reading-store). */
export interface ReadingStore {
  /** All readings of a batch in one write; the same batch again stores nothing new. */
  write(readings: readonly ValidReading[]): Promise<void>;
  /** Which shard of the rule state a point belongs to. */
  shardOf(pointId: string): string;
  /** The latest version of these shards (`fresh`: not from a cache). */
  shards(ids: readonly string[], fresh?: boolean): Promise<Map<string, TrackShard>>;
  /** Writes each shard's next version at once; returns the shards another writer moved first. */
  saveShards(next: ReadonlyArray<TrackShard & { dueMs: number | null }>): Promise<Set<string>>;
  /** Removes a version that a newer one replaced (found due by the offline check). */
  dropSuperseded(docId: string): Promise<void>;
}

export type RawReading = { pointId?: unknown; at?: unknown; celsius?: unknown };

/** The monitoring rules act as the system; opening a complaint for a finding is a system step too. */
export const MONITORING_ACTOR: Actor = { subject: 'monitoring-rules', department: 'system.heating', roles: ['system'] };
const MAX_BATCH = 10_000;
const MAX_ATTEMPTS = 5;
/** Device clocks drift a little; a reading further ahead than this is a broken clock. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export type IngestResult = { accepted: number; points: number; findingsRaised: string[]; findingsClosed: string[] };

/**
 * Batch ingest of monitoring readings (室温监测): the whole batch is checked first (unknown
 * devices, temperatures outside −40…60 ℃, readings from the future → nothing stored), written in
 * one `insertMany`, then the rule runs per point over the shards' state (read from a cache, written
 * in one `insertMany` per batch) and only its signals become events on the point's stream: a
 * finding raised or closed, the device back online (idempotent by command id).
 */
export class ReadingsIngest {
  private readonly points: CommandHandler<
    Parameters<typeof pointDecider.decide>[0],
    PointEvent,
    ReturnType<typeof pointDecider.initialState>
  >;

  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      store: EventStore;
      readings: ReadingStore;
      clock: Clock;
      city: CityConfig;
    },
  ) {
    this.points = new CommandHandler(deps.store, pointDecider, {
      fromRecorded: (e: RecordedEvent) => (e.type.startsWith('heating.point.') ? ({ type: e.type, data: e.data } as PointEvent) : null),
      toNew: (e: PointEvent) => ({ type: e.type, data: e.data }),
    });
  }

  validate(batch: unknown): ValidReading[] {
    if (!Array.isArray(batch) || batch.length === 0 || batch.length > MAX_BATCH) {
      throw new ValidationError(`readings must be a list of 1–${MAX_BATCH} readings`, [
        { field: 'readings', message: 'empty, too long or not a list' },
      ]);
    }
    const nowMs = this.deps.clock.now().getTime();
    return (batch as RawReading[]).map((r, i) => {
      const pointId = PointId(r?.pointId, `readings[${i}].pointId`);
      if (!pointOf(this.deps.city, pointId))
        throw new ValidationError(`unknown monitoring point ${pointId}`, [
          { field: `readings[${i}].pointId`, message: 'not a registered device' },
        ]);
      const atMs = typeof r.at === 'string' ? Date.parse(r.at) : NaN;
      if (Number.isNaN(atMs))
        throw new ValidationError(`readings[${i}].at must be an ISO-8601 instant`, [{ field: `readings[${i}].at`, message: String(r.at) }]);
      if (atMs > nowMs + FUTURE_TOLERANCE_MS)
        throw new ValidationError(`readings[${i}].at lies in the future`, [
          { field: `readings[${i}].at`, message: `${r.at} is after now` },
        ]);
      return { pointId, atMs, deci: DeciCelsius(r.celsius, `readings[${i}].celsius`) };
    });
  }

  async ingest(batch: unknown, correlationId = uuidv7()): Promise<IngestResult> {
    const readings = this.validate(batch);
    await this.deps.readings.write(readings);
    const result: IngestResult = { accepted: readings.length, points: 0, findingsRaised: [], findingsClosed: [] };
    const byShard = new Map<string, Map<string, ValidReading[]>>();
    for (const r of readings) {
      const shard = this.deps.readings.shardOf(r.pointId);
      const points = byShard.get(shard) ?? new Map<string, ValidReading[]>();
      const list = points.get(r.pointId) ?? [];
      list.push(r);
      points.set(r.pointId, list);
      byShard.set(shard, points);
      if (list.length === 1) result.points++;
    }
    await this.exclusive(() => this.applyRule(byShard, result, correlationId));
    return result;
  }

  /**
   * Batches of this process take turns on the rule state (a version per shard); another replica
   * writing the same shard first makes this one reload that shard and run its readings again —
   * the readings it already saw are skipped and every signal's command is idempotent by id.
   */
  private async applyRule(byShard: Map<string, Map<string, ValidReading[]>>, result: IngestResult, correlationId: string): Promise<void> {
    const { city } = this.deps;
    let pending = byShard;
    for (let attempt = 0; pending.size > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error(`monitoring rule state kept moving under this batch (${pending.size} shards)`);
      const current = await this.deps.readings.shards([...pending.keys()], attempt > 0);
      const next: Array<TrackShard & { dueMs: number | null }> = [];
      const signals: Array<readonly [string, Signal]> = [];
      for (const [shard, points] of pending) {
        const cur = current.get(shard) ?? { shard, seq: 0, tracks: {} };
        const tracks: Record<string, PointTrack> = { ...cur.tracks };
        let changed = false;
        for (const [pointId, list] of points) {
          const before = tracks[pointId] ?? newTrack();
          const { track, signals: found } = trackReadings(before, list, city.monitoring, city.standardDeci, (ms) => inSeason(city, ms));
          if (track !== before) {
            tracks[pointId] = track;
            changed = true;
          }
          for (const signal of found) signals.push([pointId, signal]);
        }
        if (changed) next.push({ shard, seq: cur.seq + 1, tracks, dueMs: offlineDueMs(Object.values(tracks), city.monitoring) });
      }
      // Each point's signals in order, different points side by side (each is its own stream).
      await inParallel(this.bySubject(signals), ([pointId, list]) => this.actAll(pointId, list, result, correlationId));
      // Saved after the signals were acted on: a crash in between re-runs the rule on the resent batch.
      const lost = await this.deps.readings.saveShards(next);
      pending = new Map([...pending].filter(([shard]) => lost.has(shard)));
    }
  }

  /**
   * The offline check for one shard whose earliest silence fell due (the DeadlineScan over the
   * shards' `dueMs`): each point silent past the limit gets its `device_offline` event once, and
   * the shard's next version carries the next due time. Stale versions are only removed.
   */
  async markSilent(due: Readonly<{ _id: string; shard: string; seq: number }>): Promise<'acted' | 'skipped'> {
    return this.exclusive(async () => {
      const { city, readings } = this.deps;
      const latest = (await readings.shards([due.shard], true)).get(due.shard);
      if (!latest || latest.seq !== due.seq) {
        await readings.dropSuperseded(due._id);
        return 'skipped';
      }
      const nowMs = this.deps.clock.now().getTime();
      const tracks: Record<string, PointTrack> = { ...latest.tracks };
      // Each silent point is its own stream: marked side by side, like the ingest's signals (this
      // holds the rule state's turn, so a shard of points gone silent at once must not queue them).
      await inParallel(silentPoints(latest.tracks, nowMs, city.monitoring), async (pointId) => {
        const track = tracks[pointId]!;
        const point = pointOf(city, pointId as PointId);
        if (point) {
          const data = {
            pointId,
            companyId: point.compound.companyId,
            lastSeenAt: instantFromMillis(track.lastMs!),
            at: instantFromMillis(nowMs),
          };
          await this.quietly(() =>
            this.points.handle(
              pointStreamId(pointId),
              { type: 'MarkOffline', actor: MONITORING_ACTOR, data },
              { commandId: `offline:${pointId}:${track.lastMs}`, metadata: { actor: MONITORING_ACTOR, correlationId: uuidv7() } },
            ),
          );
        }
        tracks[pointId] = { ...track, offline: true };
      });
      const lost = await readings.saveShards([
        { shard: due.shard, seq: latest.seq + 1, tracks, dueMs: offlineDueMs(Object.values(tracks), city.monitoring) },
      ]);
      return lost.size > 0 ? 'skipped' : 'acted';
    });
  }

  private bySubject(signals: ReadonlyArray<readonly [string, Signal]>): Array<[string, Signal[]]> {
    const by = new Map<string, Signal[]>();
    for (const [pointId, signal] of signals) by.set(pointId, [...(by.get(pointId) ?? []), signal]);
    return [...by];
  }

  private async actAll(pointId: string, signals: readonly Signal[], result: IngestResult, correlationId: string): Promise<void> {
    for (const signal of signals) await this.act(pointId, signal, result, correlationId);
  }

  private async act(pointId: string, signal: Signal, result: IngestResult, correlationId: string): Promise<void> {
    const point = pointOf(this.deps.city, pointId as PointId)!;
    const metadata = { actor: MONITORING_ACTOR, correlationId };
    const companyId = point.compound.companyId;
    switch (signal.kind) {
      case 'raise': {
        const data = {
          pointId,
          householdId: point.householdId,
          companyId,
          belowSince: instantFromMillis(signal.sinceMs),
          lowestDeci: signal.lowestDeci,
          at: instantFromMillis(signal.atMs),
        };
        // The finding's complaint is opened by the finding reaction (a consumer of this log), so a
        // crash right after this append still ends with exactly one complaint.
        const raised = await this.quietly(() =>
          this.points.handle(
            pointStreamId(pointId),
            { type: 'RaiseFinding', actor: MONITORING_ACTOR, data },
            { commandId: `raise:${pointId}:${signal.sinceMs}`, metadata },
          ),
        );
        if (raised?.state.open) result.findingsRaised.push(raised.state.open.findingId);
        return;
      }
      case 'recover': {
        const data = { aboveSince: instantFromMillis(signal.sinceMs), at: instantFromMillis(signal.atMs) };
        const closed = await this.quietly(() =>
          this.points.handle(
            pointStreamId(pointId),
            { type: 'CloseFinding', actor: MONITORING_ACTOR, data },
            { commandId: `close:${pointId}:${signal.sinceMs}`, metadata },
          ),
        );
        result.findingsClosed.push(...(closed?.events ?? []).map((e) => (e.data as { findingId: string }).findingId));
        return;
      }
      case 'online': {
        const data = { pointId, companyId, silentSince: instantFromMillis(signal.sinceMs), at: instantFromMillis(signal.atMs) };
        await this.quietly(() =>
          this.points.handle(
            pointStreamId(pointId),
            { type: 'MarkOnline', actor: MONITORING_ACTOR, data },
            { commandId: `online:${pointId}:${signal.atMs}`, metadata },
          ),
        );
        return;
      }
    }
  }

  /** The point's state moved on (a finding open already, the device already marked): the aggregate decides. */
  private async quietly<T>(step: () => Promise<T>): Promise<T | null> {
    try {
      return await step();
    } catch (e) {
      if (e instanceof IllegalStateError) return null;
      throw e;
    }
  }

  private exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.turn.then(step, step);
    this.turn = run.catch(() => undefined);
    return run;
  }
}

/** Appends to different streams do not wait for each other; a few at a time keep the database's queue short. */
async function inParallel<T>(items: readonly T[], step: (item: T) => Promise<void>, width = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await step(items[next++]!);
    }),
  );
}
