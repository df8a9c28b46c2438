import { EventRelay, KafkajsBroker } from '@yiwang/kernel-kafka';
import { MongoEventStore, PersonalDataVault, Projector, mongoRelayStorage, mongoVaultKeys } from '@yiwang/kernel-mongodb';
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
import { systemClock, type Clock } from '@yiwang/kernel-core';
import { businessCalendar } from '@yiwang/working-time';
import { eventLogGrpcService } from '@yiwang/event-log';
import { seasonKey, shippedCityConfig } from './domain';
import { ComplaintService } from './application/complaint-service';
import { ReadingsIngest } from './application/readings-ingest';
import { DeadlineScheduler } from './application/deadline-scheduler';
import { OfflineCheck } from './application/offline-check';
import { findingReaction } from './application/finding-reaction';
import { HeatingQueries } from './application/queries';
import { heatingViewsProjection } from './application/projections/complaint-views';
import { MongoReadingStore } from './adapters/mongo/reading-store';
import { heatingEventCodec } from './adapters/kafka/heating-event-codec';
import { heatingGrpcService } from './adapters/grpc/heating-grpc';
import { complaintContactPolicy } from './adapters/grpc/event-log-personal-data';
import { registerHeatingRoutes } from './adapters/http/heating-http';
import { intakeReportsConsumer } from './adapters/kafka/intake-reports-consumer';
import { type HeatingConfig } from './config';
import { SERVICE_NAME } from './public-module';

export interface HeatingRuntime {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
}

export interface HeatingService {
  readonly grpcAddress: string;
  readonly httpAddress: string;
  readonly store: MongoEventStore;
  readonly complaints: ComplaintService;
  readonly ingest: ReadingsIngest;
  readonly readings: MongoReadingStore;
  readonly scheduler: DeadlineScheduler;
  readonly offline: OfflineCheck;
  readonly vault: PersonalDataVault;
  stop(): Promise<void>;
}

/**
 * Starts heating in this process: store + sequencer, the read-model projector, the relay to
 * `yiwang.heating.events.v1`, the leased deadline scan, gRPC (HeatingService + event log + health)
 * and HTTP (readings ingest, season, /healthz /readyz /metrics /openapi.json).
 */
export async function startHeatingService(config: HeatingConfig, runtime: HeatingRuntime = {}): Promise<HeatingService> {
  const logger = runtime.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const clock = runtime.clock ?? systemClock;
  const telemetry = runtime.telemetry ?? startTelemetry({ serviceName: SERVICE_NAME, registerGlobal: false });
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    const city = shippedCityConfig(config.city);
    const mongo = await connectMongo(config.mongoUri, config.mongoDb);
    stops.push(() => mongo.close());
    if (runtime.telemetry === undefined) stops.push(() => telemetry.shutdown());
    const db = mongo.db;
    const store = new MongoEventStore(db, { serviceName: SERVICE_NAME });
    await store.init();
    store.startSequencer();
    stops.push(() => store.stopSequencer());

    const vault = new PersonalDataVault(mongoVaultKeys(db), config.piiMasterKey);
    const complaints = new ComplaintService(store, clock, businessCalendar(), city, vault);
    const readings = new MongoReadingStore(db);
    const ingest = new ReadingsIngest({ store, readings, clock, city });
    const views = new Projector(db, store, heatingViewsProjection(seasonKey(city)), { pollIntervalMs: 200 });
    const reaction = new Projector(db, store, findingReaction(complaints), { pollIntervalMs: 200 });
    const queries = new HeatingQueries(() => views.models(), city, vault);
    const broker = new KafkajsBroker({ brokers: config.kafkaBrokers, clientId: `yiwang-${SERVICE_NAME}` });
    const codec = heatingEventCodec();
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(db),
      broker,
      serviceName: SERVICE_NAME,
      codec,
      topic: config.topic,
      onError: (e) => logger.warn({ err: e }, 'relay error'),
    });
    const scheduler = new DeadlineScheduler({
      db,
      complaints,
      models: () => views.models(),
      intervalMs: config.deadlineScanIntervalMs,
      onError: (e) => logger.warn({ err: e }, 'deadline scan error'),
    });
    const offline = new OfflineCheck({
      db,
      readings,
      ingest,
      clock,
      intervalMs: config.deadlineScanIntervalMs,
      onError: (e) => logger.warn({ err: e }, 'offline check error'),
    });

    views.start();
    stops.push(() => views.stop());
    reaction.start();
    stops.push(() => reaction.stop());
    await relay.start();
    stops.push(() => relay.stop());
    const unsubscribe = store.onLogAdvanced(() => {
      relay.wake();
      views.wake();
      reaction.wake();
    });
    stops.push(async () => unsubscribe());
    const handover = intakeReportsConsumer({
      broker,
      db,
      group: config.consumerGroup,
      topic: config.intakeTopic,
      complaints,
      onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'handed-over report not lodged yet'),
    });
    await handover.start();
    stops.push(() => handover.stop());
    scheduler.start();
    stops.push(() => scheduler.stop());
    offline.start();
    stops.push(() => offline.stop());

    const auth = createTokenVerifier(config);
    const eventLog = eventLogGrpcService({ store, codec, personalData: complaintContactPolicy(vault) });
    const grpc = createGrpcServer({
      services: [heatingGrpcService({ complaints, queries, onErased: (id) => vault.erase(id) }), eventLog],
      auth,
      logger,
    });
    const grpcPort = await grpc.listen(`${config.host}:${config.grpcPort}`);
    stops.push(() => grpc.shutdown());

    const http = await buildHttpApp({
      logger,
      auth,
      readiness: [mongoReadiness(db), kafkaReadiness(config.kafkaBrokers)],
      openapi: { title: 'Yiwang heating', version: '1', description: 'Heating complaints: monitoring readings ingest, company seasons' },
      metrics: telemetry.prometheus,
    });
    registerHeatingRoutes(http, { ingest, queries });
    await http.listen({ host: config.host, port: config.httpPort });
    stops.push(() => http.close());
    const httpPort = (http.server.address() as { port: number }).port;

    const local = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    logger.info({ grpcPort, httpPort, city: city.city }, 'heating service started');
    return {
      grpcAddress: `${local}:${grpcPort}`,
      httpAddress: `http://${local}:${httpPort}`,
      store,
      complaints,
      ingest,
      readings,
      scheduler,
      offline,
      vault,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
