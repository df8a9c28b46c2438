// Outbound sync to the operations centre: how many case updates per second integration gets to
// the centre, and with what lag, under a stream of dispatch case events like the closed loop makes.
//
// Subject: synthetic dispatch case events (protobuf CloudEvents, as dispatch's relay publishes
// them: opened, dispatched, signed_for, handling_reported, verified, closed per case) go onto the
// dispatch topic; integration (in this process) consumes them, queues an update per event in its
// store, and its leased pusher sends them over mutual TLS to the simulated centre, which stores them.
// Baseline, same process and servers: the same number of updates sent straight to the simulator as
// raw ReceiveCaseUpdates batches of the same size — the centre's own intake rate.
import { randomBytes } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import { uuidv7, type LoggedEvent } from '@yiwang/kernel-core';
import { KafkajsBroker, ProtobufEventCodec, toKafkaMessage } from '@yiwang/kernel-kafka';
import { callUnary } from '@yiwang/platform';
import * as pb from '@yiwang/proto/yiwang/dispatch/v1/case_events';
import { CaseState, CaseUpdate, UpdateKind } from '@yiwang/proto/yiwang/opscenter/v1/case_update';
import { OpsCentreServiceClient } from '@yiwang/proto/yiwang/opscenter/v1/centre_service';
import type { Servers } from '../infra/local/servers.mjs';
import { generateLinkCertificates, loadSimulatorConfig, startSimulator } from '@yiwang/opscenter-simulator';
import { loadIntegrationConfig, startIntegrationService } from '@yiwang/integration';
import { report, type Run } from './stats';

const STEPS = [
  ['dispatch.case.opened.v1', 'CaseOpened'],
  ['dispatch.case.dispatched.v1', 'CaseDispatched'],
  ['dispatch.case.signed_for.v1', 'CaseSignedFor'],
  ['dispatch.case.handling_reported.v1', 'HandlingReported'],
  ['dispatch.case.verified.v1', 'CaseVerified'],
  ['dispatch.case.closed.v1', 'CaseClosed'],
] as const;

const codec = new ProtobufEventCodec(
  Object.fromEntries(
    STEPS.map(([type, name]) => {
      const fns = pb[name] as unknown as {
        fromPartial(o: object): unknown;
        encode(m: unknown): { finish(): Uint8Array };
        decode(b: Uint8Array): unknown;
      };
      return [
        type,
        {
          messageType: `yiwang.dispatch.v1.${name}`,
          encode: (d: object) => fns.encode(fns.fromPartial(d)).finish(),
          decode: (b: Uint8Array) => fns.decode(b),
        },
      ];
    }),
  ),
);

const caseEvent = (caseId: string, step: number): LoggedEvent => {
  const [type] = STEPS[step]!;
  const now = new Date();
  const at = now.toISOString();
  const data: Record<string, unknown> = {
    caseId,
    reportId: caseId.slice(2),
    category: 'event.01.02',
    cellId: '410802001001001',
    district: '解放区',
    urgency: 'normal',
    openedAt: at,
    unitId: 'dept.sanitation.jiefang',
    deadline: new Date(now.getTime() + 4 * 3600_000).toISOString(),
    dispatchedAt: at,
    kind: 'initial',
    signedAt: at,
    by: 'wang.li',
    notes: '已清运',
    photoRefs: [],
    reportedAt: at,
    onTime: true,
    inspector: 'sun.hao',
    outcome: 'passed',
    verifiedAt: at,
    closedAt: at,
  };
  return {
    id: uuidv7(),
    type,
    streamId: `case-${caseId}`,
    streamVersion: step + 1,
    position: 0,
    occurredAt: now,
    recordedAt: now,
    correlationId: uuidv7(),
    causationId: null,
    actor: { subject: 'bench', department: 'system.bench', roles: ['system'] },
    traceparent: null,
    commandId: null,
    data,
  };
};

const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

export async function benchOpscenterSync(servers: Servers, options: { cases: number; batch?: number }): Promise<string> {
  const brokers = servers.kafkaBrokers.split(',');
  const stamp = `${Date.now()}_${randomBytes(2).toString('hex')}`;
  const certs = await generateLinkCertificates();
  const batch = options.batch ?? 100;
  const total = options.cases * STEPS.length;
  const simTls = {
    peerCa: certs.yiwangCa,
    serverCert: certs.centreServer.cert,
    serverKey: certs.centreServer.key,
    clientCert: certs.centreClient.cert,
    clientKey: certs.centreClient.key,
  };
  const sim = await startSimulator(
    loadSimulatorConfig({
      SIM_GRPC_PORT: '0',
      SIM_ADMIN_PORT: '0',
      MONGODB_URI: servers.mongoUri,
      SIM_DB: `bench_centre_${stamp}`,
      YIWANG_LINK_ADDRESS: '127.0.0.1:1',
    }),
    { tls: simTls },
  );
  const out = ['## Operations-centre sync (integration → centre, mutual TLS)', ''];
  try {
    // Baseline: the same updates as raw batches straight to the centre.
    const raw = new OpsCentreServiceClient(
      sim.grpcAddress,
      credentials.createSsl(Buffer.from(certs.centreCa), Buffer.from(certs.yiwangClient.key), Buffer.from(certs.yiwangClient.cert)),
    );
    const lat: number[] = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < total; i += batch) {
      const updates: CaseUpdate[] = Array.from({ length: Math.min(batch, total - i) }, (_, k) => {
        const n = i + k;
        return CaseUpdate.fromPartial({
          eventId: uuidv7(),
          caseId: `C-raw-${Math.floor(n / STEPS.length)}`,
          sequence: (n % STEPS.length) + 1,
          state: CaseState.CASE_STATE_DISPATCHED,
          kind: UpdateKind.UPDATE_KIND_CHANGE,
          occurredAt: new Date(),
          queuedAt: new Date(),
        });
      });
      const t = process.hrtime.bigint();
      await callUnary(raw.receiveCaseUpdates.bind(raw), { updates, sender: 'bench' }, { deadlineMs: 30_000 });
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const baseline: Run = {
      name: `raw ReceiveCaseUpdates, batches of ${batch} (per batch)`,
      ops: total,
      seconds: Number(process.hrtime.bigint() - t0) / 1e9,
      latenciesMs: lat,
    };
    raw.close();

    // Subject: the full path through Kafka, integration's store and pusher.
    const topic = `bench.${stamp}_dispatch.events.v1`;
    const lags: number[] = [];
    let acknowledged = 0;
    const integration = await startIntegrationService(
      loadIntegrationConfig({
        BIND_HOST: '127.0.0.1',
        INTEGRATION_GRPC_PORT: '0',
        INTEGRATION_HTTP_PORT: '0',
        MONGODB_URI: servers.mongoUri,
        INTEGRATION_DB: `bench_integration_${stamp}`,
        KAFKA_BROKERS: servers.kafkaBrokers,
        DISPATCH_TOPIC: topic,
        INTEGRATION_CONSUMER_GROUP: `bench.${stamp}`,
        INTEGRATION_CONSUMER_CONCURRENCY: '6',
        OPSCENTER_ADDRESS: sim.grpcAddress,
        OPSCENTER_SUBSCRIBED_CATEGORIES: '*',
        OPSCENTER_PUSH_BATCH: String(batch),
        OPSCENTER_PUSH_POLL_MS: '50',
        OPSCENTER_CALL_TIMEOUT_MS: '30000',
        OPSCENTER_RECONCILE_INTERVAL_MS: '0',
        AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
        LOG_LEVEL: 'silent',
      }),
      {
        tls: { ca: certs.centreCa, cert: certs.yiwangClient.cert, key: certs.yiwangClient.key },
        onPushed: (updates) => {
          const now = Date.now();
          acknowledged += updates.length;
          for (const u of updates) lags.push(now - Date.parse(u.occurredAt));
        },
      },
    );
    try {
      const broker = new KafkajsBroker({ brokers, clientId: `bench-${stamp}`, logLevel: 'nothing' });
      const producer = broker.producer();
      await producer.connect();
      const t1 = process.hrtime.bigint();
      // Every case goes through its loop step by step, all cases interleaved, as a busy day would.
      for (let step = 0; step < STEPS.length; step++) {
        const messages = Array.from({ length: options.cases }, (_, c) =>
          toKafkaMessage(topic, caseEvent(`C-b${stamp}-${c}`, step), { source: '/yiwang/dispatch', codec }),
        );
        for (let i = 0; i < messages.length; i += 500) await producer.send(messages.slice(i, i + 500));
      }
      await producer.disconnect();
      const deadline = Date.now() + 600_000;
      while (acknowledged < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const seconds = Number(process.hrtime.bigint() - t1) / 1e9;
      const subject: Run = {
        name: `integration: Kafka → sync stream → pusher → centre (${options.cases} cases × ${STEPS.length} events)`,
        ops: acknowledged,
        seconds,
        latenciesMs: lags,
      };
      out.push(
        report(
          `${total} updates, batches of ${batch} (latency: per batch for the baseline, event-to-acknowledgement lag for integration)`,
          baseline,
          subject,
        ),
      );
      const stats = await sim.store.stats();
      out.push(
        `Sync lag (event occurred → centre acknowledged): p50 ${pct(lags, 50).toFixed(0)} ms, p95 ${pct(lags, 95).toFixed(0)} ms, p99 ${pct(lags, 99).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms; centre: ${stats.cases} cases, ${stats.deliveries} deliveries, ${stats.duplicates} duplicates, ${stats.orderViolations} order violations.`,
        '',
      );
    } finally {
      await integration.stop();
    }
  } finally {
    await sim.stop();
  }
  return out.join('\n');
}
