import { until } from '@yiwang/testing';
export { until };
// Helpers for the dispatch service's int/e2e tests (not used by production code).
import { uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { KafkajsBroker, ProtobufEventCodec, fromKafkaMessage, toKafkaMessage, type MessageBroker } from '@yiwang/kernel-kafka';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { DispatchServiceClient } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { ReportFiled } from '@yiwang/proto/yiwang/intake/v1/events';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { type ServiceError } from '@grpc/grpc-js';
import { caseEventCodec, intakeEventCodec } from './adapters/kafka/case-event-codec';
import { loadDispatchConfig, type DispatchConfig } from './config';

export const SECRET = 'dispatch-int-test-secret-at-least-32-chars';

export const people = {
  sanitation: { subject: 'wang.li', department: 'dept.sanitation.jiefang', roles: [] },
  municipal: { subject: 'zhao.min', department: 'dept.municipal.jiefang', roles: [] },
  centre: { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] },
  inspector: { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] },
} satisfies Record<string, Principal>;

export async function testEnvironment(file: string) {
  const t = await testDatabase(file);
  const prefix = uniqueName(file);
  const servers = testServers();
  const config: DispatchConfig = loadDispatchConfig({
    BIND_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    HTTP_PORT: '0',
    MONGODB_URI: servers.mongoUri,
    DISPATCH_DB: t.db.databaseName,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    DISPATCH_TOPIC: `yiwang.${prefix}_dispatch.events.v1`,
    INTAKE_TOPIC: `yiwang.${prefix}_intake.events.v1`,
    DISPATCH_CONSUMER_GROUP: `${prefix}.router`,
    DEADLINE_SCAN_INTERVAL_MS: '200',
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
  });
  const broker: MessageBroker = new KafkajsBroker({ brokers: servers.kafkaBrokers, clientId: prefix, logLevel: 'nothing' });
  return { t, prefix, config, broker };
}

export const client = async (address: string, who: Principal | null) =>
  createGrpcClient(DispatchServiceClient, address, who ? { token: await signToken(who, { secret: SECRET }) } : {});

/**
 * Calls a unary method of the client by name, as a promise. The request is completed with the
 * message's defaults first (`<Method>Request.fromPartial`), as a real client's generated code would.
 */
export function call<Req, Res>(c: DispatchServiceClient, method: keyof DispatchServiceClient, request: Req): Promise<Res> {
  const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
  const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}

export const grpcCode = async (p: Promise<unknown>): Promise<number> => {
  try {
    await p;
  } catch (e) {
    return (e as ServiceError).code;
  }
  throw new Error('expected the call to fail');
};

/** `intake.report.filed.v1` as intake publishes it: protobuf `ReportFiled` in a CloudEvent. */
export async function publishFiledReport(
  broker: MessageBroker,
  topic: string,
  reportId: string,
  over: {
    code?: string;
    district?: string;
    hours?: number;
    unitType?: string;
    location?: { lat: number; lon: number };
    filedAt?: Date;
  } = {},
): Promise<LoggedEvent> {
  const data: ReportFiled = {
    reportId,
    by: 'rule',
    category: {
      code: over.code ?? 'event.01.02',
      urgency: 'normal',
      unitType: over.unitType ?? 'sanitation',
      deadlineAmount: over.hours ?? 4,
      deadlineUnit: 'working_hours',
    },
    cell: { cellId: '410802001001001', district: over.district ?? '解放区', street: '焦北街道', community: '新华社区' },
    location: over.location ?? { lat: 35.2401, lon: 113.2337 },
    note: '',
    filedAt: over.filedAt ?? new Date('2025-03-03T01:59:00Z'),
    handover: undefined,
  };
  const now = new Date();
  const event: LoggedEvent = {
    id: uuidv7(),
    type: 'intake.report.filed.v1',
    streamId: `report-${reportId}`,
    streamVersion: 2,
    position: 1,
    occurredAt: now,
    recordedAt: now,
    correlationId: uuidv7(),
    causationId: null,
    actor: { subject: 'intake-rules', department: 'system.intake', roles: ['system'] },
    traceparent: null,
    commandId: null,
    data,
  };
  const codec = new ProtobufEventCodec({
    'intake.report.filed.v1': {
      messageType: 'yiwang.intake.v1.ReportFiled',
      encode: (d: ReportFiled) => ReportFiled.encode(d).finish(),
      decode: (b) => ReportFiled.decode(b),
    },
  });
  const producer = broker.producer();
  await producer.connect();
  try {
    await producer.send([toKafkaMessage(topic, event, { source: '/yiwang/intake', codec })]);
  } finally {
    await producer.disconnect();
  }
  return event;
}

/** Every event on a dispatch topic so far, decoded (for CloudEvents header checks). */
export async function readDispatchTopic(
  broker: MessageBroker,
  topic: string,
  minimum: number,
): Promise<Array<{ event: LoggedEvent; headers: Record<string, string> }>> {
  const seen: Array<{ event: LoggedEvent; headers: Record<string, string> }> = [];
  const consumer = broker.consumer({ groupId: `reader-${topic}-${uuidv7()}` });
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  const codec = caseEventCodec();
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

/**
 * Intake report events as intake publishes them (protobuf in CloudEvents), one report stream:
 * `steps` are the event types after reception, e.g. `['filed']`, `['rejected']`, `[]`.
 */
export async function publishReportStream(
  broker: MessageBroker,
  topic: string,
  reportId: string,
  over: {
    district?: string;
    code?: string;
    receivedAt?: Date;
    channel?: string;
    steps?: ReadonlyArray<'filed' | 'rejected' | 'duplicate'>;
  } = {},
): Promise<void> {
  const receivedAt = over.receivedAt ?? new Date('2025-03-03T01:50:00Z');
  const category = {
    code: over.code ?? 'event.01.02',
    urgency: 'normal',
    unitType: 'sanitation',
    deadlineAmount: 4,
    deadlineUnit: 'working_hours',
  };
  const cell = { cellId: '410802001001001', district: over.district ?? '解放区', street: '焦北街道', community: '新华社区' };
  const location = { lat: 35.2401, lon: 113.2337 };
  const at = new Date(receivedAt.getTime() + 60_000);
  const data: Record<string, unknown> = {
    'intake.report.received.v1': {
      reportId,
      channel: over.channel ?? 'citizen',
      category,
      location,
      cell,
      description: '垃圾',
      photoRefs: [],
      reporter: undefined,
      sensor: undefined,
      externalId: '',
      trackingToken: '',
      receivedAt,
    },
    'intake.report.filed.v1': { reportId, by: 'centre', category, cell, location, note: '', filedAt: at },
    'intake.report.rejected.v1': { reportId, reason: 'out_of_scope', note: '', rejectedAt: at },
    'intake.report.marked_duplicate.v1': { reportId, masterReportId: 'R-master', caseId: '', by: 'rule', markedAt: at },
  };
  const types = [
    'intake.report.received.v1',
    ...(over.steps ?? []).map((s) => (s === 'duplicate' ? 'intake.report.marked_duplicate.v1' : `intake.report.${s}.v1`)),
  ];
  const codec = intakeEventCodec();
  const correlationId = uuidv7();
  const messages = types.map((type, i) => {
    const now = new Date();
    const event: LoggedEvent = {
      id: uuidv7(),
      type,
      streamId: `report-${reportId}`,
      streamVersion: i + 1,
      position: i + 1,
      occurredAt: now,
      recordedAt: now,
      correlationId,
      causationId: null,
      actor: { subject: 'intake', department: 'system.intake', roles: ['system'] },
      traceparent: null,
      commandId: null,
      data: data[type],
    };
    return toKafkaMessage(topic, event, { source: '/yiwang/intake', codec });
  });
  const producer = broker.producer();
  await producer.connect();
  try {
    await producer.send(messages);
  } finally {
    await producer.disconnect();
  }
}
