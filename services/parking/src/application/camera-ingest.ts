import { createHash } from 'node:crypto';
import { ValidationError } from '@yiwang/kernel-core';
import { type Db } from 'mongodb';
import {
  type Actor,
  type CameraEntry,
  cameraIsEvidence,
  findingsOf,
  Instant,
  parsePlate,
  spotKey,
  toMillis,
  violationKind,
  type Place,
  type Sighting,
} from '../domain';
import { type ParkingApp } from './parking-app';
import { MODELS, type PlateDoc } from './projections/read-model-docs';

/** One camera frame as the API receives it. */
export type SightingInput = Readonly<{
  cameraId: string;
  plate: string;
  vehicleType: string;
  lat: number;
  lon: number;
  road: string;
  kind: string;
  observedAt: string;
  photoRef: string;
}>;

export type IngestResult = { stored: number; findings: number; violationIds: string[]; merged: number };

/**
 * Raw frames, one compact document per batch, in columns (FerretDB stores no nested arrays, and
 * columns repeat no field names): frame i is (cameras[i], plateHashes[i], observedMs[i], …).
 */
type BatchDoc = {
  _id: string;
  receivedAt: Date;
  cameras: string[];
  plateHashes: string[];
  observedMs: number[];
  photoRefs: string[];
  spots: string[];
};

const SPACE_KINDS = new Set(['tidal_outside_window', 'marked_space_overtime']);
const MAX_BATCH = 2000;
/** Findings in flight at once: the database is waited on, not computed on; more than this only queues there. */
const PARALLEL = 16;

const violationIdOf = (plateHash: string, spot: string, observedMs: number): string =>
  `V-${createHash('sha256').update(`${plateHash}|${spot}|${observedMs}`).digest('hex').slice(0, 24)}`;

/**
 * Camera sightings in bulk (电子抓拍). The whole batch is checked first — a frame from a camera
 * outside the published register, a malformed plate or a place outside the city refuses the batch
 * and stores nothing. The frames are then kept compactly in one document, and only findings (one
 * per vehicle and spot within the window, also across batches) become violations, with ids derived
 * from the finding so that a resent batch records nothing twice.
 */
export class CameraIngest {
  constructor(
    private readonly app: ParkingApp,
    private readonly db: Db,
  ) {}

  async record(batchId: string, inputs: readonly SightingInput[], actor: Actor): Promise<IngestResult> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/.test(batchId))
      throw new ValidationError('batchId must be an id', [{ field: 'batchId', message: batchId }]);
    if (inputs.length === 0 || inputs.length > MAX_BATCH)
      throw new ValidationError(`a batch holds 1–${MAX_BATCH} sightings`, [{ field: 'sightings', message: String(inputs.length) }]);
    const { cameras, rules, plateKeys } = this.app.deps;
    const checked = inputs.map((s, index) => {
      const field = `sightings[${index}]`;
      const camera = cameras.get(s.cameraId) ?? null;
      const observedAt = Instant(s.observedAt, `${field}.observedAt`);
      const localDate = new Date(toMillis(observedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
      if (!cameraIsEvidence(camera, localDate)) {
        throw new ValidationError(`${field}: camera ${JSON.stringify(s.cameraId)} is not in the published register (行政处罚法 Art 41)`, [
          { field: `${field}.cameraId`, message: 'not a published enforcement camera' },
        ]);
      }
      const { plate } = parsePlate(s.plate, `${field}.plate`);
      const kind = violationKind(s.kind, `${field}.kind`);
      if (SPACE_KINDS.has(kind))
        throw new ValidationError(`${field}: ${kind} is checked by an officer against the space register`, [
          { field: `${field}.kind`, message: kind },
        ]);
      const location = this.app.locate(s.lat, s.lon, s.road || camera.road, `${field}.location`);
      if (typeof s.photoRef !== 'string' || s.photoRef === '')
        throw new ValidationError(`${field}.photoRef is required`, [{ field: `${field}.photoRef`, message: 'empty' }]);
      const hashed = plateKeys.hash(plate);
      const sighting: Sighting = {
        cameraId: camera.cameraId,
        plateHash: hashed.plateHash,
        spot: spotKey(location),
        observedMs: toMillis(observedAt),
        photoRef: s.photoRef,
        index,
      };
      return { sighting, plate, hashed, location, kind, vehicleType: s.vehicleType, observedAt };
    });

    const frames = checked.map((c) => c.sighting);
    const doc: BatchDoc = {
      _id: batchId,
      receivedAt: this.app.deps.clock.now(),
      cameras: frames.map((f) => f.cameraId),
      plateHashes: frames.map((f) => f.plateHash),
      observedMs: frames.map((f) => f.observedMs),
      photoRefs: frames.map((f) => f.photoRef),
      spots: frames.map((f) => f.spot),
    };
    const stored = await this.db
      .collection<BatchDoc>('camera_sightings')
      .insertOne(doc)
      .then(
        () => frames.length,
        (e: { code?: number }) => {
          if (e.code === 11000) return 0; // the batch was resent: its frames are kept already
          throw e;
        },
      );

    const windowMs = rules.sameSpotWindowMinutes * 60_000;
    const findings = findingsOf(frames, windowMs);
    const plates = (await this.app.deps.models()).model<PlateDoc>(MODELS.plates);
    const result: IngestResult = { stored, findings: findings.length, violationIds: [], merged: 0 };
    // In the order of the findings' first frames, whichever append finishes first.
    const recorded: Array<string | null> = findings.map(() => null);
    const work = findings.map((f, n) => async () => {
      const first = checked[f.first.index]!;
      // The dedupe lookup and the plate's sealing are independent: both in flight at once.
      const [history, vehicle] = await Promise.all([
        plates.get(f.first.plateHash),
        this.app.sealedVehicle(first.plate, first.hashed, first.vehicleType),
      ]);
      const earlier = history?.spots?.find((s) => s.spot === f.first.spot);
      if (earlier && Math.abs(earlier.observedMs - f.first.observedMs) <= windowMs) {
        result.merged++;
        return;
      }
      const id = violationIdOf(f.first.plateHash, f.first.spot, f.first.observedMs);
      const command = {
        type: 'RecordViolation' as const,
        actor,
        data: recordData(
          id,
          first.location,
          first.kind,
          first.observedAt,
          f.frames.map((x) => x.photoRef).slice(0, 20),
          vehicle,
          cameras.get(f.first.cameraId) ?? null,
          f.first.cameraId,
          this.app.now(),
        ),
      };
      if (await this.app.recordNewViolation(id, command, { actor })) recorded[n] = id;
      else result.merged++;
    });
    // A pool, not waves: one slow finding does not hold back the next ones.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, work.length) }, async () => {
        while (next < work.length) await work[next++]!();
      }),
    );
    result.violationIds = recorded.filter((id): id is string => id !== null);
    return result;
  }
}

function recordData(
  violationId: string,
  location: Place,
  kind: string,
  observedAt: string,
  photoRefs: readonly string[],
  vehicle: Awaited<ReturnType<ParkingApp['vehicle']>>,
  camera: CameraEntry | null,
  cameraId: string,
  at: string,
) {
  return {
    violationId,
    source: 'camera',
    camera,
    cameraId,
    vehicle,
    location,
    kind,
    space: null,
    parkedSince: '',
    observedAt,
    photoRefs,
    squad: camera?.squad ?? '',
    obstructing: false,
    dispatchCaseId: '',
    at,
  };
}
