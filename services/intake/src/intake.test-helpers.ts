import { until } from '@yiwang/testing';
export { until };
// Helpers for the intake's int/e2e specs (not used by the service itself).
import { randomBytes } from 'node:crypto';
import { type Consumer, type Kafka } from 'kafkajs';
import { createLogger, createGrpcClient, signToken, callUnary, type UnaryMethod } from '@yiwang/platform';
import { IntakeServiceClient } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { testServers, uniqueName } from '@yiwang/testing';
import { loadIntakeConfig, type IntakeConfig } from './config';

export const SECRET = 'intake-e2e-secret-of-at-least-32-chars!!';

export function testConfig(file: string, extra: Record<string, string> = {}): IntakeConfig {
  const { kafkaBrokers, mongoUri } = testServers();
  const name = uniqueName(file);
  return loadIntakeConfig({
    MONGODB_URI: mongoUri,
    INTAKE_DB: name,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    INTAKE_HTTP_PORT: '0',
    INTAKE_GRPC_PORT: '0',
    INTAKE_HOST: '127.0.0.1',
    INTAKE_EVENTS_TOPIC: `${name}.intake.events`,
    DISPATCH_EVENTS_TOPIC: `${name}.dispatch.events`,
    INTAKE_CONSUMER_GROUP: `${name}.intake`,
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    OPEN311_API_KEYS: 'hotline-key=hotline',
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    ...extra,
  });
}

export const quietLogger = () => createLogger({ service: 'intake-test', level: 'silent' });

export const tokenFor = (subject: string, roles: string[], department = 'centre.supervision') =>
  signToken({ subject, department, roles }, { secret: SECRET });

export function grpcClient(address: string, token: string): IntakeServiceClient {
  return createGrpcClient(IntakeServiceClient, address, { token, defaultDeadlineMs: 15_000 });
}

/** Promise form of a generated unary method bound to its client. */
export function rpc<Req, Res>(client: IntakeServiceClient, method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
  return callUnary(method.bind(client) as UnaryMethod<Req, Res>, request);
}

export type Answer = { status: number; headers: Headers; text: string; json: <T = unknown>() => T };

export async function http(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; raw?: string; contentType?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (body !== undefined ? 'POST' : 'GET'),
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/**
 * Subscribes a plain kafkajs consumer to a topic a relay creates: relays create their topic once they
 * reach the broker, in the background (services start without it), so a subscription waits for it.
 */
export async function subscribeWhenCreated(kafka: Kafka, consumer: Consumer, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await until(async () => (await admin.listTopics()).includes(topic) || null, 30_000, `topic ${topic}`);
  } finally {
    await admin.disconnect();
  }
  await consumer.subscribe({ topic, fromBeginning: true });
}
