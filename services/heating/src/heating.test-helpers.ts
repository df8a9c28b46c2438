// Helpers for the heating service's e2e tests (not used by production code).
import { randomBytes } from 'node:crypto';
import { uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { KafkajsBroker, fromKafkaMessage, type MessageBroker } from '@yiwang/kernel-kafka';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/heating/v1/heating_service';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { type ServiceError } from '@grpc/grpc-js';
import { heatingEventCodec } from './adapters/kafka/heating-event-codec';
import { loadHeatingConfig } from './config';

export const SECRET = 'heating-e2e-test-secret-at-least-32-chars';

export const people = {
  hotline: { subject: 'integration', department: 'system.integration', roles: ['heating.intake'] },
  office: { subject: 'li.na', department: 'heating.office', roles: ['heating.supervision'] },
  zhongzhou: { subject: 'zhang.wei', department: 'dept.heating.zhongzhou', roles: [] },
  wanfang: { subject: 'liu.yang', department: 'dept.heating.wanfang', roles: [] },
  gateway: { subject: 'gw-01', department: 'system.monitoring', roles: ['heating.gateway'] },
} satisfies Record<string, Principal>;

export async function testEnvironment(file: string) {
  const t = await testDatabase(file);
  const prefix = uniqueName(file);
  const servers = testServers();
  const config = loadHeatingConfig({
    BIND_HOST: '127.0.0.1',
    HEATING_GRPC_PORT: '0',
    HEATING_HTTP_PORT: '0',
    MONGODB_URI: servers.mongoUri,
    HEATING_DB: t.db.databaseName,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    HEATING_TOPIC: `yiwang.${prefix}_heating.events.v1`,
    INTAKE_TOPIC: `yiwang.${prefix}_intake.events.v1`,
    HEATING_CONSUMER_GROUP: `${prefix}.heating`,
    DEADLINE_SCAN_INTERVAL_MS: '200',
    AUTH_JWT_SECRET: SECRET,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const broker: MessageBroker = new KafkajsBroker({ brokers: servers.kafkaBrokers, clientId: prefix, logLevel: 'nothing' });
  return { t, prefix, config, broker };
}

export const token = (who: Principal) => signToken(who, { secret: SECRET });
export const client = async (address: string, who: Principal | null) =>
  createGrpcClient(api.HeatingServiceClient, address, who ? { token: await token(who) } : {});

/** Calls a unary method by name, the request completed with the message's defaults first. */
export function call<Res = api.ComplaintCommandResponse>(
  c: api.HeatingServiceClient,
  method: keyof api.HeatingServiceClient,
  request: object,
): Promise<Res> {
  const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
  const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}

export const grpcCode = async (p: Promise<unknown>): Promise<{ code: number; details: string }> => {
  try {
    await p;
  } catch (e) {
    return { code: (e as ServiceError).code, details: (e as ServiceError).details };
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

/** Every event on the topic so far, decoded, with its CloudEvents headers. */
export async function readTopic(
  broker: MessageBroker,
  topic: string,
  minimum: number,
): Promise<Array<{ event: LoggedEvent; headers: Record<string, string> }>> {
  const seen: Array<{ event: LoggedEvent; headers: Record<string, string> }> = [];
  const consumer = broker.consumer({ groupId: `reader-${topic}-${uuidv7()}` });
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  const codec = heatingEventCodec();
  await consumer.run({
    eachMessage: async (m) => {
      const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v?.toString('utf8') ?? '']));
      seen.push({ event: fromKafkaMessage(m, codec), headers });
    },
  });
  try {
    await until(async () => seen.length >= minimum, 45_000, `${minimum} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

export const MEASURE = { doorsClosedMinutes: 60, position: 'room_centre', heightCm: 100, photoRefs: ['p/thermo.jpg'] };
export const rooms = (bedroom: number, living: number) => [
  { room: '主卧', roomType: 'bedroom', celsius: bedroom },
  { room: '客厅', roomType: 'living_room', celsius: living },
];
