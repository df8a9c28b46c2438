import { grpcDispatchFeedback, sharedSecretTokens } from '@yiwang/dispatch-link';
import { EventRelay, KafkajsBroker } from '@yiwang/kernel-kafka';
import { MongoEventStore, PersonalDataVault, Projector, mongoRelayStorage } from '@yiwang/kernel-mongodb';
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
import { shippedCameraRegister, shippedCityGrid, shippedParkingRules } from './domain';
import { SERVICE_NAME } from './defaults';
import { ParkingApp } from './application/parking-app';
import { CameraIngest } from './application/camera-ingest';
import { ParkingDeadlines } from './application/deadline-scheduler';
import { ParkingQueries } from './application/queries';
import { PlateKeys } from './application/plate-keys';
import { parkingRecordsProjection } from './application/projections/parking-records';
import { parkingEventCodec } from './adapters/kafka/parking-event-codec';
import { parkingGrpcService } from './adapters/grpc/parking-grpc';
import { parkingPersonalDataPolicy } from './adapters/grpc/event-log-personal-data';
import { registerReadRoutes } from './adapters/http/read-api';
import { type ParkingConfig } from './config';
import { shippedDispatchLinkRules } from './domain';
import { DispatchLink, type DispatchFeedback } from './application/dispatch-link';
import { startDispatchLinkConsumer } from './adapters/kafka/dispatch-link-consumer';
import { CoalescingVaultKeys } from './adapters/mongo/coalescing-vault-keys';

export interface ParkingRuntime {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  /** Where handling feedback goes; dispatch's gRPC API at `DISPATCH_GRPC_ADDRESS` when omitted. */
  readonly dispatchFeedback?: DispatchFeedback;
}

export interface ParkingService {
  readonly grpcAddress: string;
  readonly httpAddress: string;
  readonly store: MongoEventStore;
  readonly app: ParkingApp;
  readonly deadlines: ParkingDeadlines;
  /** The process manager answering dispatch's 机动车乱停放 cases. */
  readonly dispatchLink: DispatchLink;
  /** Waits until the read models have caught up with the log (tests, the demo). */
  readonly projector: Projector;
  stop(): Promise<void>;
}

/**
 * Starts the parking service in this process: store + sequencer, the records projection, the relay
 * to `yiwang.parking.events.v1`, the leased deadline scan, gRPC (its API and its event log) and
 * HTTP. Used by main.ts, the tests and the demo; `stop()` takes it all down in reverse order.
 */
export async function startParkingService(config: ParkingConfig, runtime: ParkingRuntime = {}): Promise<ParkingService> {
  const logger = runtime.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const clock = runtime.clock ?? systemClock;
  const telemetry = runtime.telemetry ?? startTelemetry({ serviceName: SERVICE_NAME, registerGlobal: false });
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    const mongo = await connectMongo(config.mongoUri, config.mongoDb);
    stops.push(() => mongo.close());
    if (runtime.telemetry === undefined) stops.push(() => telemetry.shutdown());
    const db = mongo.db;
    const store = new MongoEventStore(db, { serviceName: SERVICE_NAME });
    await store.init();
    store.startSequencer();
    stops.push(() => store.stopSequencer());

    const vault = new PersonalDataVault(new CoalescingVaultKeys(db), config.piiMasterKey);
    const plateKeys = PlateKeys.fromConfig(config.plateHashKeys, config.piiMasterKey);
    const projector = new Projector(db, store, parkingRecordsProjection, { pollIntervalMs: 200 });
    const models = () => projector.models();
    const app = new ParkingApp({
      store,
      clock,
      calendar: businessCalendar(),
      rules: shippedParkingRules(),
      cameras: shippedCameraRegister(),
      grid: shippedCityGrid(),
      vault,
      plateKeys,
      models,
    });
    let feedback = runtime.dispatchFeedback;
    if (feedback === undefined) {
      const grpcFeedback = grpcDispatchFeedback({
        address: config.dispatchGrpcAddress,
        tokenFor: sharedSecretTokens('parking-dispatch-link', config.jwtSecret, config.jwtIssuer, config.jwtAudience),
      });
      stops.push(async () => grpcFeedback.close());
      feedback = grpcFeedback;
    }
    const dispatchLink = new DispatchLink(db, shippedDispatchLinkRules(), feedback, (message, context) => logger.warn(context, message));
    const ingest = new CameraIngest(app, db);
    const queries = new ParkingQueries(app, plateKeys, models);
    const broker = new KafkajsBroker({ brokers: config.kafkaBrokers, clientId: `yiwang-${SERVICE_NAME}` });
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(db),
      broker,
      serviceName: SERVICE_NAME,
      codec: parkingEventCodec(),
      topic: config.topic,
      onError: (e) => logger.warn({ err: e }, 'relay error'),
    });
    const deadlines = new ParkingDeadlines({
      db,
      app,
      models,
      intervalMs: config.deadlineScanIntervalMs,
      onError: (e) => logger.warn({ err: e }, 'deadline scan error'),
    });

    projector.start();
    stops.push(() => projector.stop());
    await relay.start();
    stops.push(() => relay.stop());
    const unsubscribe = store.onLogAdvanced(() => {
      relay.wake();
      projector.wake();
    });
    stops.push(async () => unsubscribe());
    deadlines.start();
    stops.push(() => deadlines.stop());
    const linkConsumer = await startDispatchLinkConsumer({
      broker,
      db,
      link: dispatchLink,
      dispatchTopic: config.dispatchTopic,
      parkingTopic: config.topic,
      group: config.consumerGroup,
      onError: (e) => logger.warn({ err: e }, 'dispatch link: event handling failed'),
    });
    stops.push(() => linkConsumer.stop());

    const auth = createTokenVerifier(config);
    const eventLog = eventLogGrpcService({ store, codec: parkingEventCodec(), personalData: parkingPersonalDataPolicy(vault) });
    const grpc = createGrpcServer({ services: [parkingGrpcService({ app, ingest, queries, dispatchLink }), eventLog], auth, logger });
    const grpcPort = await grpc.listen(`${config.host}:${config.grpcPort}`);
    stops.push(() => grpc.shutdown());

    const http = await buildHttpApp({
      logger,
      auth,
      readiness: [mongoReadiness(db), kafkaReadiness(config.kafkaBrokers)],
      openapi: {
        title: 'Yiwang parking',
        version: '1',
        description: 'Parking enforcement (静态交通执法): violations, weekly tables, hot spots (read API)',
      },
      metrics: telemetry.prometheus,
    });
    registerReadRoutes(http, queries);
    await http.listen({ host: config.host, port: config.httpPort });
    stops.push(() => http.close());
    const httpPort = (http.server.address() as { port: number }).port;

    const local = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    logger.info({ grpcPort, httpPort }, 'parking service started');
    return {
      grpcAddress: `${local}:${grpcPort}`,
      httpAddress: `http://${local}:${httpPort}`,
      store,
      app,
      deadlines,
      dispatchLink,
      projector,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
