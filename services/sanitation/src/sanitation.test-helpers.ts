// Helpers for the sanitation service's int/e2e tests and the demo's shapes (not used by production code).
import { uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { KafkajsBroker, fromKafkaMessage, type MessageBroker } from '@yiwang/kernel-kafka';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { SanitationServiceClient } from '@yiwang/proto/yiwang/sanitation/v1/sanitation_service';
import { testDatabase, testServers, uniqueName, until } from '@yiwang/testing';
import { type ServiceError } from '@grpc/grpc-js';
import { sanitationEventCodec } from './adapters/kafka/sanitation-event-codec';
import { loadSanitationConfig, type SanitationConfig } from './config';

export const SECRET = 'sanitation-e2e-test-secret-at-least-32-chars';
export { until };

export const people = {
  admin: { subject: 'li.hua', department: 'dept.sanitation.city', roles: ['sanitation.admin'] },
  inspector: { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] },
  huanjie: { subject: 'zhang.san', department: 'contractor.huanjie', roles: [] },
  qingyuan: { subject: 'li.si', department: 'contractor.qingyuan', roles: [] },
  gateway: { subject: 'gateway.huanjie', department: 'contractor.huanjie', roles: ['sanitation.crew'] },
  closer: { subject: 'day-closer', department: 'system.sanitation', roles: ['system'] },
} satisfies Record<string, Principal>;

export async function testEnvironment(file: string) {
  const t = await testDatabase(file);
  const prefix = uniqueName(file);
  const servers = testServers();
  const config: SanitationConfig = loadSanitationConfig({
    BIND_HOST: '127.0.0.1',
    SANITATION_GRPC_PORT: '0',
    SANITATION_HTTP_PORT: '0',
    MONGODB_URI: servers.mongoUri,
    SANITATION_DB: t.db.databaseName,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    SANITATION_TOPIC: `yiwang.${prefix}_sanitation.events.v1`,
    SANITATION_DEADLINE_SCAN_INTERVAL_MS: '60000',
    // Days are closed by the tests' own CloseDay calls, unless a test turns the daily job on.
    SANITATION_DAY_CLOSE_INTERVAL_MS: '0',
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
  });
  const broker: MessageBroker = new KafkajsBroker({ brokers: servers.kafkaBrokers, clientId: prefix, logLevel: 'nothing' });
  return { t, prefix, config, broker };
}

/** A client as `who`; `deadlineMs` for suites that send many commands to a loaded database (the default is the platform's). */
export const client = async (address: string, who: Principal | null, deadlineMs?: number) =>
  createGrpcClient(SanitationServiceClient, address, {
    ...(who ? { token: await signToken(who, { secret: SECRET }) } : {}),
    ...(deadlineMs !== undefined ? { defaultDeadlineMs: deadlineMs } : {}),
  });

/** Calls a unary method by name; the request is completed with the message's defaults first, as a generated client would. */
export function call<Res = unknown>(c: SanitationServiceClient, method: keyof SanitationServiceClient, request: object): Promise<Res> {
  const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
  const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}

export async function grpcError(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** Every event on the topic so far, decoded, with the CloudEvents headers. */
export async function readTopic(
  broker: MessageBroker,
  topic: string,
  minimum: number,
): Promise<Array<{ event: LoggedEvent; headers: Record<string, string> }>> {
  const seen: Array<{ event: LoggedEvent; headers: Record<string, string> }> = [];
  const consumer = broker.consumer({ groupId: `reader-${topic}-${uuidv7()}` });
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  const codec = sanitationEventCodec();
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

export const CSV_HEADER =
  'facilityId,kind,name,district,contractor,geometry,cells,lengthM,areaM2,grade,toiletClass,siting,opensAt,closesAt,capacityTonnesPerDay';

/** A CSV of the register: the rows as given, after the header. */
export const csvOf = (rows: readonly string[]): string => [CSV_HEADER, ...rows].join('\n');
