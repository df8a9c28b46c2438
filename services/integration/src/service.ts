import { readFileSync } from 'node:fs';
import { uuidv7 } from '@yiwang/kernel-core';
import { EventConsumer, JsonEventCodec, createMessageBroker } from '@yiwang/kernel-kafka';
import { MongoEventStore, MongoLease, MongoSnapshotStore, MongoInbox } from '@yiwang/kernel-mongodb';
import { eventLogGrpcService } from '@yiwang/event-log';
import { dispatchCaseEventCodec, DISPATCH_CASE_EVENT_TYPES } from '@yiwang/contracts';
import {
  buildHttpApp,
  connectMongo,
  createGrpcServer,
  createLogger,
  createTokenVerifier,
  kafkaReadiness,
  mongoReadiness,
  startTelemetry,
  type Logger,
  type Telemetry,
} from '@yiwang/platform';
import { shippedCodeTable, type CaseUpdate } from './domain';
import { systemClock, type Clock } from '@yiwang/kernel-core';
import { Subscriptions, SyncService } from './application/sync-service';
import { WorkOrderService } from './application/work-order-service';
import { CentrePusher } from './application/centre-pusher';
import { Reconciler } from './application/reconciler';
import { IntervalRunner } from './application/interval-runner';
import { caseLinkGrpcService, CASE_LINK_METHODS } from './adapters/grpc/case-link-grpc';
import { GrpcCentreLink } from './adapters/grpc/centre-client';
import { GrpcIntakeWorkOrders } from './adapters/grpc/intake-client';
import { mtlsServerCredentials, type TlsMaterial } from './adapters/grpc/mtls';
import { registerSyncRoutes } from './adapters/http/sync-routes';
import { heatingComplaintsConsumer } from './adapters/kafka/heating-complaints-consumer';
import { enforcementCasesConsumer } from './adapters/kafka/enforcement-cases-consumer';
import { type IntegrationConfig } from './config';

export const SERVICE_NAME = 'integration';

export interface IntegrationRuntime {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  /** The link's TLS material; read from the configured files when omitted. */
  readonly tls?: TlsMaterial;
  /** Each batch the centre acknowledged in full (tests, bench). */
  readonly onPushed?: (updates: readonly CaseUpdate[]) => void;
}

export interface IntegrationService {
  /** `host:port` of CaseLinkService (mutual TLS). */
  readonly grpcAddress: string;
  /** The event log for analysts (bearer JWT, role analyst.replay). */
  readonly internalGrpcAddress: string;
  readonly httpAddress: string;
  readonly store: MongoEventStore;
  readonly sync: SyncService;
  readonly pusher: CentrePusher;
  readonly reconciler: Reconciler;
  stop(): Promise<void>;
}

function tlsFromFiles(config: IntegrationConfig): TlsMaterial {
  const { centreCaFile, tlsCertFile, tlsKeyFile } = config;
  if (!centreCaFile || !tlsCertFile || !tlsKeyFile)
    throw new Error(
      'the operations-centre link needs OPSCENTER_CA_FILE, INTEGRATION_TLS_CERT_FILE and INTEGRATION_TLS_KEY_FILE (mutual TLS)',
    );
  return { ca: readFileSync(centreCaFile, 'utf8'), cert: readFileSync(tlsCertFile, 'utf8'), key: readFileSync(tlsKeyFile, 'utf8') };
}

/**
 * Starts integration in this process: store + sequencer, the consumer of dispatch's case events,
 * the leased pusher to the centre, scheduled reconciliation, CaseLinkService (mTLS) and the HTTP
 * side (metrics, status, reconciliation on demand). `stop()` takes it all down in reverse order.
 */
export async function startIntegrationService(config: IntegrationConfig, runtime: IntegrationRuntime = {}): Promise<IntegrationService> {
  const logger = runtime.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const clock = runtime.clock ?? systemClock;
  const telemetry = runtime.telemetry ?? startTelemetry({ serviceName: SERVICE_NAME, registerGlobal: false });
  const ownTelemetry = runtime.telemetry === undefined;
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    const tls = runtime.tls ?? tlsFromFiles(config);
    const codeTable = shippedCodeTable();
    const mongo = await connectMongo(config.mongoUri, config.mongoDb);
    stops.push(() => mongo.close());
    if (ownTelemetry) stops.push(() => telemetry.shutdown());
    const db = mongo.db;
    const store = new MongoEventStore(db, { serviceName: SERVICE_NAME, now: () => clock.now() });
    await store.init();
    store.startSequencer();
    stops.push(() => store.stopSequencer());

    const sync = new SyncService(store, clock, new Subscriptions(config.subscribedCategories), new MongoSnapshotStore(db));
    const centre = new GrpcCentreLink(config.centreAddress, tls, codeTable, config.callTimeoutMs);
    stops.push(async () => centre.close());
    const intake = new GrpcIntakeWorkOrders(config.intakeAddress, config.jwtSecret);
    stops.push(async () => intake.close());
    const workOrders = new WorkOrderService({ intake, sync, codeTable, clock });

    const pusher = new CentrePusher({
      store,
      db,
      centre,
      sync,
      clock,
      batchSize: config.pushBatchSize,
      backoff: { initialDelayMs: config.backoffInitialMs, maxDelayMs: config.backoffMaxMs, factor: 2, jitter: 0.5 },
      breaker: { failureThreshold: config.breakerFailures, openMs: config.breakerOpenMs },
      pollIntervalMs: config.pushPollMs,
      leaseTtlMs: config.leaseTtlMs,
      onError: (e) => logger.warn({ err: e }, 'push to the operations centre failed; will retry'),
      ...(runtime.onPushed ? { onPushed: runtime.onPushed } : {}),
    });
    pusher.start();
    stops.push(() => pusher.stop());
    const unsubscribe = store.onLogAdvanced(() => pusher.wake());
    stops.push(async () => unsubscribe());

    const reconciler = new Reconciler({
      centre,
      sync,
      store,
      now: () => clock.now(),
      onReport: (r) =>
        logger.info(
          {
            checked: r.checked,
            inFlight: r.inFlight,
            repaired: r.repaired.length,
            repairs: r.repaired.map((x) => `${x.caseId}: ${x.reason}`),
          },
          'reconciliation with the operations centre',
        ),
    });
    // One scheduled reconciliation per interval across replicas: the holder of this lease runs it.
    const reconcileLease = new MongoLease(db, 'opscenter-reconciler', `reconciler-${uuidv7()}`, {
      ttlMs: Math.max(2 * config.reconcileIntervalMs, 60_000),
    });
    const schedule = new IntervalRunner({
      intervalMs: config.reconcileIntervalMs,
      run: (fence) => reconciler.run(fence),
      lease: reconcileLease,
      onError: (e) => logger.warn({ err: e }, 'scheduled reconciliation failed'),
    });
    schedule.start();
    stops.push(() => schedule.stop());

    const broker = createMessageBroker({ brokers: config.kafkaBrokers, clientId: `yiwang-${SERVICE_NAME}` }); // KAFKA_CLIENT=kafkajs|platformatic
    const consumer = new EventConsumer({
      broker,
      inbox: new MongoInbox(db),
      group: config.consumerGroup,
      topics: [config.dispatchTopic],
      // Auto-create is off: dispatch's topic is made as its relay would make it, in the background
      // like the join, so integration serves while the broker is away.
      createMissingTopics: { partitions: 6 },
      types: DISPATCH_CASE_EVENT_TYPES,
      codec: dispatchCaseEventCodec(),
      handler: (event) => sync.observe(event),
      consumer: {
        sessionTimeoutMs: config.consumerSessionTimeoutMs,
        heartbeatIntervalMs: Math.min(3_000, Math.floor(config.consumerSessionTimeoutMs / 6)),
        partitionsConcurrently: config.consumerConcurrency,
      },
      onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'case event not recorded yet'),
    });
    await consumer.start();
    stops.push(() => consumer.stop());
    const heating = heatingComplaintsConsumer({
      broker,
      db,
      group: `${config.consumerGroup}.heating`,
      topic: config.heatingTopic,
      sync,
      sessionTimeoutMs: config.consumerSessionTimeoutMs,
      partitionsConcurrently: config.consumerConcurrency,
      onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'heating complaint event not recorded yet'),
    });
    await heating.start();
    stops.push(() => heating.stop());
    const enforcement = enforcementCasesConsumer({
      broker,
      db,
      group: `${config.consumerGroup}.enforcement`,
      topic: config.enforcementTopic,
      sync,
      sessionTimeoutMs: config.consumerSessionTimeoutMs,
      partitionsConcurrently: config.consumerConcurrency,
      onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'enforcement case event not recorded yet'),
    });
    await enforcement.start();
    stops.push(() => enforcement.stop());

    const grpc = createGrpcServer({
      services: [
        caseLinkGrpcService({
          workOrders,
          sync,
          store,
          codeTable,
          centreIdentities: config.centreIdentities,
          onLogAdvanced: (l) => store.onLogAdvanced(l),
          feedPollMs: 1_000,
        }),
      ],
      // No bearer tokens on this server: every call is authenticated by mutual TLS and the peer's identity is checked per call.
      auth: createTokenVerifier(config),
      publicMethods: CASE_LINK_METHODS,
      logger,
    });
    const grpcPort = await grpc.listen(`${config.host}:${config.grpcPort}`, mtlsServerCredentials(tls));
    stops.push(() => grpc.shutdown());

    // Integration's own events are not published to Kafka (they are its outbound queue), hence JSON data.
    const internal = createGrpcServer({
      services: [eventLogGrpcService({ store, codec: new JsonEventCodec() })],
      auth: createTokenVerifier(config),
      logger,
    });
    const internalGrpcPort = await internal.listen(`${config.host}:${config.internalGrpcPort}`);
    stops.push(() => internal.shutdown());

    const http = await buildHttpApp({
      logger,
      auth: createTokenVerifier(config),
      readiness: [mongoReadiness(db), kafkaReadiness(config.kafkaBrokers)],
      openapi: { title: 'Yiwang integration', version: '1', description: 'The operations-centre link: sync status and reconciliation' },
      metrics: telemetry.prometheus,
    });
    registerSyncRoutes(http, { pusher, reconciler, sync });
    await http.listen({ host: config.host, port: config.httpPort });
    stops.push(() => http.close());
    const httpPort = (http.server.address() as { port: number }).port;

    const local = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    logger.info({ grpcPort, internalGrpcPort, httpPort }, 'integration service started');
    return {
      grpcAddress: `${local}:${grpcPort}`,
      internalGrpcAddress: `${local}:${internalGrpcPort}`,
      httpAddress: `http://${local}:${httpPort}`,
      store,
      sync,
      pusher,
      reconciler,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
