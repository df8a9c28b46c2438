// Helpers for the parking service's tests (not used by production code). The pure fixtures come
// first (unit specs); the servers, clients and tokens after them (int and e2e specs).
import { randomBytes } from 'node:crypto';
import { type ServiceError } from '@grpc/grpc-js';
import { uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { KafkajsBroker, fromKafkaMessage, type MessageBroker } from '@yiwang/kernel-kafka';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { ParkingServiceClient } from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { businessCalendar } from '@yiwang/working-time';
import { parkingEventCodec } from './adapters/kafka/parking-event-codec';
import { loadParkingConfig, type ParkingConfig } from './config';
import {
  shippedCameraRegister,
  shippedParkingRules,
  type Actor,
  type Place,
  type RecordViolation,
  type SpaceFacts,
  type VehicleRef,
  type ViolationCommand,
  type ViolationEvent,
} from './domain';

export const calendar = businessCalendar();
export const rules = shippedParkingRules();
export const cameras = shippedCameraRegister();
export const ctx = { rules, calendar };

export const SQUAD = 'dept.parking.jiefang';
export const actors = {
  officer: { subject: 'li.wei', department: SQUAD, roles: ['parking.officer'] },
  otherSquad: { subject: 'zhang.qiang', department: 'dept.parking.shanyang', roles: ['parking.officer'] },
  camera: { subject: 'camera-ingest', department: 'system.parking', roles: ['parking.camera'] },
  system: { subject: 'deadline-checker', department: 'system.parking', roles: ['system'] },
  planner: { subject: 'wu.fang', department: 'dept.parking.planning', roles: ['parking.planner'] },
  privacy: { subject: 'dpo', department: 'office.privacy', roles: ['privacy.officer'] },
} satisfies Record<string, Actor>;

export const vehicle: VehicleRef = { plateHash: 'a'.repeat(64), hashKeyId: 'k1', plateSealed: 'pd1.iv.body.tag', vehicleType: 'small_car' };
export const spot: Place = { lat: 35.2401, lon: 113.2337, cellId: 'P1401-0233', district: '解放区', road: '人民路' };

/** A Monday (2026-03-02) at 10:00 in Shanghai. */
export const MONDAY_10 = '2026-03-02T02:00:00.000Z';
export const shanghai = (local: string): string => new Date(`${local}+08:00`).toISOString();

export function record(over: Partial<RecordViolation['data']> = {}, actor: Actor = actors.officer): RecordViolation {
  return {
    type: 'RecordViolation',
    actor,
    data: {
      violationId: 'V-1',
      source: 'officer',
      camera: null,
      cameraId: '',
      vehicle,
      location: spot,
      kind: 'pavement',
      space: null,
      parkedSince: '',
      observedAt: MONDAY_10,
      photoRefs: ['p/1.jpg'],
      squad: SQUAD,
      obstructing: false,
      dispatchCaseId: '',
      at: MONDAY_10,
      ...over,
    },
  };
}

export const tidalSpace: SpaceFacts = {
  spaceId: 'S-T1',
  kind: 'tidal',
  maxMinutes: 0,
  windows: [{ weekdays: [1, 2, 3, 4, 5], from: '19:00', to: '07:00' }],
  removed: false,
};
export const markedSpace: SpaceFacts = { spaceId: 'S-M1', kind: 'marked', maxMinutes: 120, windows: [], removed: false };

/** The events a command produces from a history (for building the next `given`). */
export const cmd = <T extends ViolationCommand['type']>(
  type: T,
  data: Extract<ViolationCommand, { type: T }>['data'],
  actor: Actor = actors.officer,
) => ({ type, data, actor }) as Extract<ViolationCommand, { type: T }>;

export type { ViolationEvent };

// ---- servers, clients and tokens (int and e2e specs) ----

export const SECRET = 'parking-int-test-secret-at-least-32-chars';

export const people = {
  officer: { subject: 'li.wei', department: SQUAD, roles: ['parking.officer'] },
  shanyang: { subject: 'zhang.qiang', department: 'dept.parking.shanyang', roles: ['parking.officer'] },
  camera: { subject: 'camera-ingest', department: 'system.parking', roles: ['parking.camera'] },
  plates: { subject: 'chen.jing', department: 'centre.parking', roles: ['parking.plates'] },
  planner: { subject: 'wu.fang', department: 'dept.parking.planning', roles: ['parking.planner'] },
  privacy: { subject: 'dpo', department: 'office.privacy', roles: ['privacy.officer'] },
} satisfies Record<string, Principal>;

export async function testEnvironment(file: string) {
  const t = await testDatabase(file);
  const prefix = uniqueName(file);
  const servers = testServers();
  const config: ParkingConfig = loadParkingConfig({
    PARKING_HOST: '127.0.0.1',
    PARKING_GRPC_PORT: '0',
    PARKING_HTTP_PORT: '0',
    MONGODB_URI: servers.mongoUri,
    PARKING_DB: t.db.databaseName,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    PARKING_EVENTS_TOPIC: `yiwang.${prefix}_parking.events.v1`,
    DISPATCH_EVENTS_TOPIC: `yiwang.${prefix}_dispatch.events.v1`,
    PARKING_CONSUMER_GROUP: `${prefix}.dispatch-link`,
    PARKING_DEADLINE_SCAN_INTERVAL_MS: '200',
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: process.env['PARKING_TEST_LOG'] ?? 'silent',
  });
  const broker: MessageBroker = new KafkajsBroker({ brokers: servers.kafkaBrokers, clientId: prefix, logLevel: 'nothing' });
  return { t, prefix, config, broker };
}

export const client = async (address: string, who: Principal | null) =>
  createGrpcClient(ParkingServiceClient, address, who ? { token: await signToken(who, { secret: SECRET }) } : {});

/** Calls a unary method by name, the request completed with the message's defaults as a generated client would. */
export function call<Res>(c: ParkingServiceClient, method: keyof ParkingServiceClient, request: object): Promise<Res> {
  const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
  const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}

export const grpcError = async (p: Promise<unknown>): Promise<ServiceError> => {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
};

export async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Every message on a topic until `minimum` arrived: the decoded event, its headers and raw bytes. */
export async function readTopic(
  broker: MessageBroker,
  topic: string,
  minimum: number,
): Promise<Array<{ event: LoggedEvent; headers: Record<string, string>; raw: string }>> {
  const seen: Array<{ event: LoggedEvent; headers: Record<string, string>; raw: string }> = [];
  const consumer = broker.consumer({ groupId: `reader-${topic}-${uuidv7()}` });
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  const codec = parkingEventCodec();
  await consumer.run({
    eachMessage: async (m) => {
      const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v?.toString('utf8') ?? '']));
      seen.push({ event: fromKafkaMessage(m, codec), headers, raw: Buffer.from(m.value ?? []).toString('utf8') });
    },
  });
  try {
    await until(async () => seen.length >= minimum, 45_000, `${minimum} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
