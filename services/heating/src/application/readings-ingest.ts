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
  pointDecider,
  pointOf,
  pointStreamId,
  PointId,
  trackReadings,
  type Actor,
  type CityConfig,
  type PointEvent,
  type PointTrack,
  type Signal,
} from '../domain';
import { type ComplaintService } from './complaint-service';

export type ValidReading = Readonly<{ pointId: string; atMs: number; deci: number }>;

/** Where readings and the per-point rule state live (MongoDB: adapters/mongo/reading-store). */
export interface ReadingStore {
  write(readings: readonly ValidReading[]): Promise<void>;
  tracksOf(pointIds: readonly string[]): Promise<Map<string, PointTrack>>;
  saveTracks(tracks: ReadonlyMap<string, PointTrack>): Promise<void>;
}

export type RawReading = { pointId?: unknown; at?: unknown; celsius?: unknown };

/** The monitoring rules act as the system; opening a complaint for a finding is a system step too. */
export const MONITORING_ACTOR: Actor = { subject: 'monitoring-rules', department: 'system.heating', roles: ['system'] };
const MAX_BATCH = 10_000;
/** Device clocks drift a little; a reading further ahead than this is a broken clock. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export type IngestResult = { accepted: number; points: number; findingsRaised: string[]; findingsClosed: string[] };

/**
 * Batch ingest of monitoring readings (室温监测): the whole batch is checked first (unknown
 * devices, temperatures outside −40…60 ℃, readings from the future → nothing stored), written in
 * one bulk write, then the rule runs per point and only its signals become events: a finding on
 * the point's stream and a complaint for the company (idempotent by finding id).
 */
export class ReadingsIngest {
  private readonly points: CommandHandler<
    Parameters<typeof pointDecider.decide>[0],
    PointEvent,
    ReturnType<typeof pointDecider.initialState>
  >;

  constructor(
    private readonly deps: { store: EventStore; readings: ReadingStore; clock: Clock; city: CityConfig; complaints: ComplaintService },
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
    const byPoint = new Map<string, ValidReading[]>();
    for (const r of readings) byPoint.set(r.pointId, [...(byPoint.get(r.pointId) ?? []), r]);
    const tracks = await this.deps.readings.tracksOf([...byPoint.keys()]);
    const changed = new Map<string, PointTrack>();
    const result: IngestResult = { accepted: readings.length, points: byPoint.size, findingsRaised: [], findingsClosed: [] };
    const { city } = this.deps;
    for (const [pointId, list] of byPoint) {
      const before = tracks.get(pointId) ?? newTrack();
      const { track, signals } = trackReadings(before, list, city.monitoring, city.standardDeci, (ms) => inSeason(city, ms));
      if (track !== before) changed.set(pointId, track);
      for (const signal of signals) await this.act(pointId, signal, result, correlationId);
    }
    // Saved after the signals were acted on: a crash in between re-runs the rule on the resent batch.
    await this.deps.readings.saveTracks(changed);
    return result;
  }

  private async act(pointId: string, signal: Signal, result: IngestResult, correlationId: string): Promise<void> {
    const point = pointOf(this.deps.city, pointId as PointId)!;
    const metadata = { actor: MONITORING_ACTOR, correlationId };
    try {
      if (signal.kind === 'raise') {
        const data = {
          pointId,
          householdId: point.householdId,
          companyId: point.compound.companyId,
          belowSince: instantFromMillis(signal.sinceMs),
          lowestDeci: signal.lowestDeci,
          at: instantFromMillis(signal.atMs),
        };
        const raised = await this.points.handle(
          pointStreamId(pointId),
          { type: 'RaiseFinding', actor: MONITORING_ACTOR, data },
          { commandId: `raise:${pointId}:${signal.sinceMs}`, metadata },
        );
        const finding = raised.state.open!;
        await this.deps.complaints.receive(
          {
            complaintId: finding.complaintId,
            householdId: point.householdId,
            channel: 'monitoring',
            pointId,
            description: `监测点 ${pointId} 室温低于标准 ${(signal.lowestDeci / 10).toFixed(1)} ℃ 持续 ${this.deps.city.monitoring.belowHours} 小时以上`,
            contact: null,
          },
          { actor: MONITORING_ACTOR, commandId: `finding:${finding.findingId}`, correlationId },
        );
        result.findingsRaised.push(finding.findingId);
      } else {
        const closed = await this.points.handle(
          pointStreamId(pointId),
          {
            type: 'CloseFinding',
            actor: MONITORING_ACTOR,
            data: { aboveSince: instantFromMillis(signal.sinceMs), at: instantFromMillis(signal.atMs) },
          },
          { commandId: `close:${pointId}:${signal.sinceMs}`, metadata },
        );
        result.findingsClosed.push(...closed.events.map((e) => (e.data as { findingId: string }).findingId));
      }
    } catch (e) {
      // The point's finding state moved on (e.g. a finding is open already): the aggregate decides.
      if (!(e instanceof IllegalStateError)) throw e;
    }
  }
}
