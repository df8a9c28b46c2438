import {
  CommandHandler,
  ConcurrencyError,
  uuidv7,
  type Clock,
  type Decider,
  type EventStore,
  type HandleResult,
  type ReadModels,
  type RecordedEvent,
} from '@yiwang/kernel-core';
import { deadlineAfter, type BusinessCalendar } from '@yiwang/working-time';
import {
  deviceDecider,
  deviceStreamId,
  facilityDecider,
  facilityStreamId,
  inspectionDecider,
  inspectionStreamId,
  instantFromMillis,
  taskDecider,
  taskStreamId,
  type Actor,
  type FacilityRef,
  type Instant,
  type Standards,
  type TaskFacility,
} from '../domain';
import { MODELS, type DeviceDoc, type FacilityDoc } from './projections/register';

export interface ExecuteOptions {
  readonly actor: Actor;
  readonly expectedVersion?: number | undefined;
  readonly commandId?: string | undefined;
  readonly correlationId?: string | undefined;
}

/** Maps stored events of one aggregate back to its decider's events (types of the prefix only). */
const mappingFor = <E>(prefix: string) => ({
  fromRecorded: (e: RecordedEvent): E | null => (e.type.startsWith(prefix) ? ({ type: e.type, data: e.data } as E) : null),
  toNew: (e: E) => e as unknown as { type: string; data: unknown },
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one runner for the four deciders
type AnyDecider = Decider<any, any, any>;

/**
 * The application side of the sanitation aggregates: one command handler per decider, the clock's
 * now, and the lookups `decide` must not do itself (the register by `_id`, the standards, the
 * rectification deadline from the business calendar).
 */
export class SanitationService {
  private readonly handlers = new Map<AnyDecider, CommandHandler<unknown, unknown, unknown>>();

  constructor(
    readonly store: EventStore,
    readonly clock: Clock,
    readonly calendar: BusinessCalendar,
    readonly standards: Standards,
    private readonly registerModels: () => Promise<ReadModels>,
  ) {
    const add = (d: AnyDecider, prefix: string) => this.handlers.set(d, new CommandHandler(store, d, mappingFor(prefix)));
    add(facilityDecider, 'sanitation.facility.');
    add(deviceDecider, 'sanitation.device.');
    add(taskDecider, 'sanitation.task.');
    add(inspectionDecider, 'sanitation.inspection.');
  }

  now(): Instant {
    return instantFromMillis(this.clock.now().getTime());
  }

  /** Runs one command against one stream; the command gets the caller and `at` from the clock. */
  async execute<C, E, S>(decider: Decider<C, E, S>, streamId: string, command: C, options: ExecuteOptions): Promise<HandleResult<S>> {
    const handler = this.handlers.get(decider as AnyDecider) as unknown as CommandHandler<C, E, S>;
    return handler.handle(streamId, command, {
      ...(options.commandId ? { commandId: options.commandId } : {}),
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      metadata: { actor: options.actor, correlationId: options.correlationId ?? uuidv7() },
    });
  }

  /**
   * Appends events a caller has already decided on a state it loaded at `version` (a gateway batch
   * checks every facility-day before storing any, and stores what it checked without loading again).
   * Returns false when the stream moved since: the caller runs the command through `execute` then.
   */
  async appendDecided(
    streamId: string,
    version: number,
    events: readonly { type: string; data: unknown }[],
    options: ExecuteOptions,
  ): Promise<number | false> {
    if (events.length === 0) return 0;
    const metadata = { actor: options.actor, correlationId: options.correlationId ?? uuidv7() };
    try {
      await this.store.append(
        streamId,
        version === 0 ? 'no_stream' : version,
        events.map((e) => ({ type: e.type, data: e.data, metadata })),
      );
      return events.length;
    } catch (e) {
      if (e instanceof ConcurrencyError) return false;
      throw e;
    }
  }

  async facility(id: string): Promise<FacilityDoc | null> {
    return (await this.registerModels()).model<FacilityDoc>(MODELS.facilities).get(id);
  }

  /** The facility as inspections see it; null when unknown or retired. */
  async facilityRef(id: string): Promise<FacilityRef | null> {
    const doc = typeof id === 'string' && id !== '' ? await this.facility(id) : null;
    if (!doc || doc.status !== 'active') return null;
    const d = doc.details;
    return {
      facilityId: d.facilityId,
      kind: d.kind,
      district: d.district,
      contractor: d.contractor,
      name: d.name,
      ...(d.toiletClass ? { toiletClass: d.toiletClass } : {}),
      ...(d.siting ? { siting: d.siting } : {}),
    };
  }

  async taskFacility(id: string): Promise<TaskFacility | null> {
    const doc = typeof id === 'string' && id !== '' ? await this.facility(id) : null;
    if (!doc || doc.status !== 'active') return null;
    const d = doc.details;
    return { facilityId: d.facilityId, kind: d.kind, district: d.district, contractor: d.contractor, grade: d.grade ?? '' };
  }

  /**
   * The devices of a batch and their contractors (unknown ones are simply absent). The register view
   * answers; a device it does not have yet (registered a moment ago, the projector behind) is looked
   * up in its own stream, so a gateway is never refused for a device the register already holds.
   */
  async devices(ids: readonly string[]): Promise<Record<string, string>> {
    const model = (await this.registerModels()).model<DeviceDoc>(MODELS.devices);
    const out: Record<string, string> = {};
    for (const id of new Set(ids)) {
      if (typeof id !== 'string' || id === '') continue;
      const doc = await model.get(id);
      if (doc) out[id] = doc.contractor;
      else {
        const registered = (await this.store.readStream(deviceStreamId(id))).events.find(
          (e) => e.type === 'sanitation.device.registered.v1',
        );
        if (registered) out[id] = (registered.data as { contractor: string }).contractor;
      }
    }
    return out;
  }

  rectificationDeadline(at: Instant): Instant {
    return instantFromMillis(deadlineAfter(this.calendar, new Date(at), this.standards.rectification).getTime());
  }

  static readonly streams = { facility: facilityStreamId, device: deviceStreamId, task: taskStreamId, inspection: inspectionStreamId };
}
