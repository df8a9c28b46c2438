import {
  CommandHandler,
  ConcurrencyError,
  uuidv7,
  type Clock,
  type EventStore,
  type HandleResult,
  type ReadModels,
  type RecordedEvent,
} from '@yiwang/kernel-core';
import { type PersonalDataVault } from '@yiwang/kernel-mongodb';
import { type BusinessCalendar } from '@yiwang/working-time';
import {
  instantFromMillis,
  locate,
  obstructionDecider,
  parsePlate,
  spaceDecider,
  spaceStreamId,
  obstructionStreamId,
  violationDecider,
  violationStreamId,
  ObstructionId,
  SpaceId,
  ViolationId,
  type Actor,
  type CameraRegister,
  type CityGrid,
  type Instant,
  type ObstructionCommand,
  type ObstructionEvent,
  type ObstructionState,
  type ParkingRules,
  type Place,
  type SpaceCommand,
  type SpaceEvent,
  type SpaceFacts,
  type SpaceState,
  type VehicleRef,
  type ViolationCommand,
  type ViolationEvent,
  type ViolationState,
} from '../domain';
import { type PlateKeys, vehicleSubject } from './plate-keys';
import { MODELS, type SpaceDoc } from './projections/read-model-docs';

const mapping = <E>(prefix: string) => ({
  fromRecorded: (e: RecordedEvent): E | null => (e.type.startsWith(prefix) ? ({ type: e.type, data: e.data } as E) : null),
  toNew: (e: E) => ({ type: (e as { type: string }).type, data: (e as { data: unknown }).data }),
});

export interface ExecuteOptions {
  readonly actor: Actor;
  readonly expectedVersion?: number | undefined;
  readonly commandId?: string | undefined;
  readonly correlationId?: string | undefined;
}

export interface ParkingAppDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly calendar: BusinessCalendar;
  readonly rules: ParkingRules;
  readonly cameras: CameraRegister;
  readonly grid: CityGrid;
  readonly vault: PersonalDataVault;
  readonly plateKeys: PlateKeys;
  /** The projection's read models (current generation). */
  readonly models: () => Promise<ReadModels>;
}

/**
 * The application side of parking's three aggregates: ids validated, time from the clock, the
 * caller in the command (the deciders authorise), and the lookups `decide` must not do itself —
 * the camera register, the space register, the grid, the vault and the plate hash.
 */
export class ParkingApp {
  readonly violations: CommandHandler<ViolationCommand, ViolationEvent, ViolationState>;
  readonly obstructions: CommandHandler<ObstructionCommand, ObstructionEvent, ObstructionState>;
  readonly spaces: CommandHandler<SpaceCommand, SpaceEvent, SpaceState>;
  private readonly violationRules: ReturnType<typeof violationDecider>;

  constructor(readonly deps: ParkingAppDeps) {
    const ctx = { rules: deps.rules, calendar: deps.calendar };
    this.violationRules = violationDecider(ctx);
    this.violations = new CommandHandler(deps.store, this.violationRules, mapping<ViolationEvent>('parking.violation.'));
    this.obstructions = new CommandHandler(deps.store, obstructionDecider(ctx), mapping<ObstructionEvent>('parking.obstruction.'));
    this.spaces = new CommandHandler(deps.store, spaceDecider, mapping<SpaceEvent>('parking.space.'));
  }

  now(): Instant {
    return instantFromMillis(this.deps.clock.now().getTime());
  }

  private handleOptions(o: ExecuteOptions) {
    return {
      ...(o.commandId ? { commandId: o.commandId } : {}),
      ...(o.expectedVersion !== undefined ? { expectedVersion: o.expectedVersion } : {}),
      metadata: { actor: o.actor, correlationId: o.correlationId ?? uuidv7() },
    };
  }

  async violation(
    rawId: string,
    build: (at: Instant) => ViolationCommand | Promise<ViolationCommand>,
    o: ExecuteOptions,
  ): Promise<HandleResult<ViolationState>> {
    const id = ViolationId(rawId);
    return this.violations.handle(violationStreamId(id), await build(this.now()), this.handleOptions(o));
  }

  /**
   * Records a violation whose id is new by construction (a camera finding's id is derived from the
   * finding): decided against the empty state and appended only if the stream does not exist yet,
   * without reading the stream first — one round trip fewer per camera violation. Returns false
   * when the stream exists already (the finding was recorded before: a resent batch).
   */
  async recordNewViolation(rawId: string, command: ViolationCommand, o: ExecuteOptions): Promise<boolean> {
    const id = ViolationId(rawId);
    const events = this.violationRules.decide(command, this.violationRules.initialState());
    if (events.length === 0) return false;
    const { metadata } = this.handleOptions(o);
    try {
      await this.deps.store.append(
        violationStreamId(id),
        'no_stream',
        events.map((e) => ({ type: e.type, data: e.data, metadata })),
      );
      return true;
    } catch (e) {
      if (e instanceof ConcurrencyError) return false;
      throw e;
    }
  }

  async obstruction(
    rawId: string,
    build: (at: Instant) => ObstructionCommand | Promise<ObstructionCommand>,
    o: ExecuteOptions,
  ): Promise<HandleResult<ObstructionState>> {
    const id = ObstructionId(rawId);
    return this.obstructions.handle(obstructionStreamId(id), await build(this.now()), this.handleOptions(o));
  }

  async space(rawId: string, build: (at: Instant) => SpaceCommand, o: ExecuteOptions): Promise<HandleResult<SpaceState>> {
    const id = SpaceId(rawId);
    return this.spaces.handle(spaceStreamId(id), build(this.now()), this.handleOptions(o));
  }

  /** A plate as events carry it: validated, hashed with the current key, sealed for its vehicle. */
  async vehicle(rawPlate: unknown, vehicleType: string): Promise<VehicleRef> {
    const { plate } = parsePlate(rawPlate);
    return this.sealedVehicle(plate, this.deps.plateKeys.hash(plate), vehicleType);
  }

  /** The same for a plate already validated and hashed (camera frames are hashed once, on arrival). */
  async sealedVehicle(plate: string, hashed: { plateHash: string; hashKeyId: string }, vehicleType: string): Promise<VehicleRef> {
    const { plateHash, hashKeyId } = hashed;
    return { plateHash, hashKeyId, plateSealed: await this.deps.vault.seal(vehicleSubject(plateHash), plate), vehicleType };
  }

  locate(lat: unknown, lon: unknown, road: string, field = 'location'): Place {
    return locate(this.deps.grid, lat, lon, road, field);
  }

  /** The space a violation refers to, from the register's read model ('' → none). */
  async spaceFacts(spaceId: string): Promise<SpaceFacts | null> {
    if (spaceId === '') return null;
    const doc = await (await this.deps.models()).model<SpaceDoc>(MODELS.spaces).get(SpaceId(spaceId));
    return doc ? { spaceId: doc.spaceId, kind: doc.kind, maxMinutes: doc.maxMinutes, windows: doc.windows, removed: doc.removed } : null;
  }

  /** Opens a sealed plate (null once erased). */
  openPlate(plateHash: string, sealed: string): Promise<string | null> {
    return sealed === '' ? Promise.resolve(null) : this.deps.vault.open(vehicleSubject(plateHash), sealed);
  }
}
