// The parking service's public module (@yiwang/parking): side-effect free — no server start, no
// environment reads. Analysts and other services learn parking through it.
import type { ServiceAnalytics } from '@yiwang/event-log';
import { redactParkingPersonalData } from './adapters/grpc/event-log-personal-data';
import { parkingEventCodec as codec } from './adapters/kafka/parking-event-codec';
import { parkingRecordsProjection as records } from './application/projections/parking-records';
import { PARKING_DEFAULTS as DEFAULTS, SERVICE_NAME as NAME } from './defaults';
export { SERVICE_NAME, PARKING_DEFAULTS } from './defaults';
export { startParkingService, type ParkingService, type ParkingRuntime } from './service';
export { loadParkingConfig, type ParkingConfig } from './config';
export { parkingEventCodec, PARKING_EVENT_MESSAGES } from './adapters/kafka/parking-event-codec';
export { parkingRecordsProjection, PARKING_EVENT_TYPES } from './application/projections/parking-records';
export { MODELS as PARKING_MODELS, weekOf, weeklyId, weekIndexId } from './application/projections/read-model-docs';
export type {
  ViolationDoc,
  ObstructionDoc,
  SpaceDoc,
  WeeklyDoc,
  WeekIndexDoc,
  HotSpotDoc,
  DeadlineDoc,
} from './application/projections/read-model-docs';
export {
  VIOLATION_EVENT_TYPES,
  OBSTRUCTION_EVENT_TYPES,
  SPACE_EVENT_TYPES,
  violationStreamId,
  obstructionStreamId,
  spaceStreamId,
} from './domain';
export type { ViolationEvent, ObstructionEvent, SpaceEvent, ViolationClosed, ViolationRecorded } from './domain';

/** How analysts' tools read this service: its log port, topic, codec, rebuildable projections. */
export const parkingAnalytics: ServiceAnalytics = {
  name: NAME,
  logPort: DEFAULTS.grpcPort,
  topic: DEFAULTS.topic,
  database: DEFAULTS.database,
  codec,
  // Plates and owners are sealed before they are stored; reads from Kafka drop the sealed fields too.
  redact: redactParkingPersonalData,
  projections: () => [records],
};
