import { ValidationError } from '@yiwang/kernel-core';
import { createMessageBroker, EventRelay, type EventConsumer } from '@yiwang/kernel-kafka';
import { MongoEventStore, PersonalDataVault, Projector, mongoVaultKeys, mongoRelayStorage } from '@yiwang/kernel-mongodb';
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
import { CHANNELS, cellCentre, shippedCategoryTable, shippedUnitGrid, type Channel } from './domain';
import { systemClock, type Clock } from '@yiwang/kernel-core';
import { DuplicateFinder } from './application/duplicate-finder';
import { GridLocator } from './application/grid-locator';
import { IntakeApplication } from './application/intake-application';
import { reportIndexProjection } from './application/projections/report-index-projection';
import { reportsProjection } from './application/projections/reports-projection';
import { registerOpen311Routes } from './adapters/http/open311-routes';
import { registerReportRoutes } from './adapters/http/report-routes';
import { registerSensorRoutes } from './adapters/http/sensor-routes';
import { registerCategoryRoutes } from './adapters/http/category-routes';
import { CategoryCatalogue } from './application/category-catalogue';
import { intakeGrpcService } from './adapters/grpc/intake-grpc';
import { intakeEventCodec } from './adapters/kafka/intake-event-codec';
import { startDispatchConsumer } from './adapters/kafka/dispatch-events-consumer';
import { startCaseProgressConsumer } from './adapters/kafka/case-progress-consumer';
import { CaseProgressReadModel } from './application/case-progress/case-progress-read-model';
import { shippedUnitDirectory } from './application/case-progress/unit-directory';
import { eventLogGrpcService } from '@yiwang/event-log';
import { reporterContactPolicy } from './adapters/grpc/event-log-personal-data';
import { type IntakeConfig } from './config';

export const SERVICE_NAME = 'intake';

export type IntakeServiceOptions = Readonly<{
  clock?: Clock;
  logger?: Logger;
  /** The process's telemetry (main.ts starts it); a private, non-global one when omitted. */
  telemetry?: Telemetry;
  /** How often to re-read the category table for revisions made by other replicas (default 5 s; 0: never). */
  categoryRefreshMs?: number;
}>;

export type RunningIntake = Readonly<{
  /** `http://host:port` of the HTTP API (citizens, hotline, Open311, sensors). */
  httpAddress: string;
  /** `host:port` of the gRPC API. */
  grpcAddress: string;
  store: MongoEventStore;
  application: IntakeApplication;
  /** Reporters' contacts, sealed per report (subject id = report id). */
  vault: PersonalDataVault;
  /** The reporter's view of each case, fed by dispatch's events. */
  caseProgress: CaseProgressReadModel;
  stop(): Promise<void>;
}>;

function apiKeys(entries: readonly string[]): Map<string, Channel> {
  const map = new Map<string, Channel>();
  for (const e of entries) {
    const [key, channel] = e.split('=');
    if (!key || !channel || !(CHANNELS as readonly string[]).includes(channel))
      throw new Error(`OPEN311_API_KEYS: "${e}" is not key=channel`);
    map.set(key, channel as Channel);
  }
  return map;
}

/**
 * The composition root: connects the database and Kafka, wires the application, starts the
 * sequencer, projectors, relay and consumer, and serves HTTP and gRPC. Used by main.ts, the
 * tests and the demo, so everything it needs comes in as arguments.
 */
export async function startIntakeService(config: IntakeConfig, options: IntakeServiceOptions = {}): Promise<RunningIntake> {
  const logger = options.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const telemetry = options.telemetry ?? startTelemetry({ serviceName: SERVICE_NAME, registerGlobal: false });
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping'));
    stops.length = 0;
  };

  try {
    const mongo = await connectMongo(config.mongodbUri, config.database);
    stops.push(() => mongo.close());
    const store = new MongoEventStore(mongo.db, { serviceName: SERVICE_NAME, now: () => clock.now() });
    await store.init();

    // The current category table (shipped + the `category-table` stream), refreshed for other replicas' revisions.
    const categories = await CategoryCatalogue.start({
      store,
      clock,
      shipped: shippedCategoryTable(),
      ...(options.categoryRefreshMs !== undefined ? { refreshIntervalMs: options.categoryRefreshMs } : {}),
      onWarning: (message, error) => logger.warn({ err: error }, message),
    });
    stops.push(async () => categories.stop());
    const gridData = shippedUnitGrid();
    const grid = new GridLocator(gridData);
    const policy = {
      maxDistanceMeters: config.duplicateDistanceMeters,
      windowHours: config.duplicateWindowHours,
      byChannel: { camera: { maxDistanceMeters: config.cameraDuplicateDistanceMeters } },
    };
    const reports = new Projector(mongo.db, store, reportsProjection, { pollIntervalMs: 200 });
    const index = new Projector(mongo.db, store, reportIndexProjection(config.duplicateWindowHours), { pollIntervalMs: 100 });
    const duplicates = new DuplicateFinder(index, policy);
    if (config.piiEphemeralDevKey)
      logger.warn(
        'INTAKE_DEV_EPHEMERAL_PII_KEY is set: without PII_MASTER_KEY, reporters’ contacts are sealed with a throwaway key (development only)',
      );
    const vault = new PersonalDataVault(mongoVaultKeys(mongo.db), config.piiMasterKey);
    const application = new IntakeApplication({
      store,
      vault,
      categories,
      grid,
      duplicates,
      reports,
      index,
      clock,
      onWarning: (message, error) => logger.warn({ err: error }, message),
    });

    store.startSequencer();
    stops.push(() => store.stopSequencer());
    reports.start();
    index.start();
    stops.push(
      () => reports.stop(),
      () => index.stop(),
    );

    const broker = createMessageBroker({ brokers: config.kafkaBrokers, clientId: `yiwang-${SERVICE_NAME}` }); // KAFKA_CLIENT=kafkajs|platformatic
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(mongo.db),
      broker,
      serviceName: SERVICE_NAME,
      codec: intakeEventCodec(),
      topic: config.eventsTopic,
      onError: (e) => logger.warn({ err: e }, 'event relay error'),
    });
    await relay.start();
    stops.push(() => relay.stop());
    const unobserve = store.onLogAdvanced(() => {
      relay.wake();
      index.wake();
      reports.wake();
    });
    stops.push(async () => unobserve());

    const consumer: EventConsumer = await startDispatchConsumer({
      broker,
      db: mongo.db,
      topic: config.dispatchTopic,
      group: config.consumerGroup,
      intake: application,
      logger,
    });
    stops.push(() => consumer.stop());
    // The reporter's view of each case (unit, deadline, step), in a consumer group of its own.
    const caseProgress = new CaseProgressReadModel(mongo.db, shippedUnitDirectory());
    const progressConsumer = await startCaseProgressConsumer({
      broker,
      db: mongo.db,
      topic: config.dispatchTopic,
      group: `${config.consumerGroup}.case-progress`,
      progress: caseProgress,
      logger,
    });
    stops.push(() => progressConsumer.stop());

    const auth = createTokenVerifier(config);
    const http = await buildHttpApp({
      logger,
      auth,
      readiness: [mongoReadiness(mongo.db), kafkaReadiness(config.kafkaBrokers)],
      openapi: {
        title: 'Yiwang intake',
        version: '1.0.0',
        description: 'Reports from citizens, the 12345 hotline, Open311 clients and sensors.',
      },
      metrics: telemetry.prometheus,
      bodyLimit: config.publicBodyLimitBytes,
    });
    registerReportRoutes(http, application, { publicBodyLimit: config.publicBodyLimitBytes, caseProgress });
    registerSensorRoutes(http, application);
    registerCategoryRoutes(http, categories);
    await registerOpen311Routes(http, application, {
      categories,
      apiKeys: apiKeys(config.open311ApiKeys),
      jurisdictionId: config.open311JurisdictionId || undefined,
      bodyLimit: config.publicBodyLimitBytes,
      cellCentre: (cellId) => {
        const cell = gridData.cells.get(cellId);
        if (!cell) throw new ValidationError(`unknown address_id ${cellId}`, [{ field: 'address_id', message: 'not a grid cell' }]);
        return cellCentre(cell);
      },
      now: () => clock.now(),
      caseProgress,
    });
    await http.listen({ host: config.httpHost, port: config.httpPort });
    stops.push(() => http.close());
    const httpPort = (http.server.address() as { port: number }).port;

    // The ordered log for analysts' replays (role analyst.replay), contacts redacted by default.
    const eventLog = eventLogGrpcService({ store, codec: intakeEventCodec(), personalData: reporterContactPolicy(vault) });
    const grpc = createGrpcServer({ services: [intakeGrpcService(application, caseProgress), eventLog], auth, logger });
    const grpcPort = await grpc.listen(`${config.httpHost}:${config.grpcPort}`);
    stops.push(() => grpc.shutdown());

    const host = config.httpHost === '0.0.0.0' ? '127.0.0.1' : config.httpHost;
    logger.info({ http: httpPort, grpc: grpcPort }, 'intake service started');
    return { httpAddress: `http://${host}:${httpPort}`, grpcAddress: `${host}:${grpcPort}`, store, application, vault, caseProgress, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
