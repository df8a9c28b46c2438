// Helpers for the enforcement service's int/e2e tests (not used by production code).
import { randomBytes } from 'node:crypto';
import { type ServiceError } from '@grpc/grpc-js';
import { uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { KafkajsBroker, fromKafkaMessage, type MessageBroker } from '@yiwang/kernel-kafka';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { enforcementEventCodec } from './adapters/kafka/enforcement-event-codec';
import { loadEnforcementConfig, type EnforcementConfig } from './config';

export const SECRET = 'enforcement-e2e-test-secret-at-least-32-chars';
export const SQUAD = 'squad.jiefang.1';

export const people = {
  officer: { subject: 'zhang.wei', department: SQUAD, roles: ['enforcement.officer'] },
  leader: { subject: 'li.qiang', department: SQUAD, roles: ['enforcement.approver'] },
  otherSquad: { subject: 'wu.gang', department: 'squad.shanyang.2', roles: ['enforcement.officer'] },
  head: { subject: 'zhou.ju', department: 'bureau.enforcement', roles: ['enforcement.bureau-head'] },
  reviewer: { subject: 'fa.zhi', department: 'bureau.legal', roles: ['enforcement.legal-reviewer'] },
  hearing: { subject: 'ting.zheng', department: 'bureau.legal', roles: ['enforcement.hearing-officer'] },
} satisfies Record<string, Principal>;

export const PERSON = {
  type: 'person',
  name: '王小明',
  idNumber: '410802199001011234',
  phone: '13800000000',
  address: '解放区民主路 1 号',
};

export async function testEnvironment(file: string) {
  const t = await testDatabase(file);
  const prefix = uniqueName(file);
  const servers = testServers();
  const config: EnforcementConfig = loadEnforcementConfig({
    BIND_HOST: '127.0.0.1',
    ENFORCEMENT_GRPC_PORT: '0',
    ENFORCEMENT_HTTP_PORT: '0',
    MONGODB_URI: servers.mongoUri,
    ENFORCEMENT_DB: t.db.databaseName,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    ENFORCEMENT_TOPIC: `yiwang.${prefix}_enforcement.events.v1`,
    ENFORCEMENT_DISPATCH_TOPIC: `yiwang.${prefix}_dispatch.events.v1`,
    ENFORCEMENT_DISPATCH_GROUP: `${prefix}.dispatch-handover`,
    ENFORCEMENT_DEADLINE_SCAN_INTERVAL_MS: '60000',
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
  });
  const broker: MessageBroker = new KafkajsBroker({ brokers: servers.kafkaBrokers, clientId: prefix, logLevel: 'nothing' });
  return { t, prefix, config, broker };
}

// A generous deadline: on the shared CI machine the first command of a fresh database can take
// several seconds (collections and indexes made on first use), and a deadline is no assertion.
export const client = async (address: string, who: Principal | null) =>
  createGrpcClient(api.EnforcementServiceClient, address, {
    defaultDeadlineMs: 30_000,
    ...(who ? { token: await signToken(who, { secret: SECRET }) } : {}),
  });

/** Calls a unary method by name, the request completed with the message's defaults first. */
export function call<Res = api.CaseCommandResponse>(
  c: api.EnforcementServiceClient,
  method: keyof api.EnforcementServiceClient,
  request: object,
): Promise<Res> {
  const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
  const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}

/** The status code and message of a failed call. */
export const failure = async (p: Promise<unknown>): Promise<{ code: number; details: string }> => {
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

/** Every message on the topic so far, decoded, with its headers and raw payload. */
export async function readTopic(
  broker: MessageBroker,
  topic: string,
  minimum: number,
): Promise<Array<{ event: LoggedEvent; headers: Record<string, string>; raw: Buffer }>> {
  const seen: Array<{ event: LoggedEvent; headers: Record<string, string>; raw: Buffer }> = [];
  const consumer = broker.consumer({ groupId: `reader-${topic}-${uuidv7()}` });
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  const codec = enforcementEventCodec();
  await consumer.run({
    eachMessage: async (m) => {
      const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v?.toString('utf8') ?? '']));
      seen.push({ event: fromKafkaMessage(m, codec), headers, raw: Buffer.from(m.value ?? []) });
    },
  });
  try {
    await until(async () => seen.length >= minimum, 45_000, `${minimum} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
