import { EventConsumer, EventRelay, createMessageBroker, type MessageBroker } from '@yiwang/kernel-kafka';
import { MongoEventStore, MongoInbox, Projector, mongoRelayStorage } from '@yiwang/kernel-mongodb';
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
import { shippedAssessmentConfig, shippedStandards } from './domain';
import { SanitationService } from './application/sanitation-service';
import { SanitationCommands } from './application/commands';
import { SanitationQueries } from './application/queries';
import { RectificationScheduler } from './application/rectification-scheduler';
import { DayCloser } from './application/day-closer';
import { registerProjection } from './application/projections/register';
import { assessmentProjection } from './application/projections/assessment';
import { sanitationEventCodec } from './adapters/kafka/sanitation-event-codec';
import { sanitationGrpcService } from './adapters/grpc/sanitation-grpc';
import { registerRoutes } from './adapters/http/routes';
import { GrpcIntakeReports } from './adapters/grpc/intake-client';
import { intakeClosureCodec } from './adapters/kafka/intake-event-codec';
import { INTAKE_REPORT_CLOSED, IntakeLoop, RECTIFICATION_OPENED } from './application/intake-loop';
import { SERVICE_NAME } from './defaults';
import { type SanitationConfig } from './config';

export interface SanitationRuntime {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
}

export interface RunningSanitationService {
  readonly grpcAddress: string;
  readonly httpAddress: string;
  readonly store: MongoEventStore;
  readonly queries: SanitationQueries;
  readonly scheduler: RectificationScheduler;
  /** The closed loop to intake; null when no intake address is configured. */
  readonly loop: IntakeLoop | null;
  /** The leased daily close; null when turned off. */
  readonly dayCloser: DayCloser | null;
  stop(): Promise<void>;
}

/**
 * Starts the sanitation service in this process: store + sequencer, the register and assessment
 * projections, the relay to `yiwang.sanitation.events.v1`, the leased rectification-deadline scan,
 * gRPC (with the event log) and HTTP. `stop()` takes it all down in reverse order.
 */
export async function startSanitationService(config: SanitationConfig, runtime: SanitationRuntime = {}): Promise<RunningSanitationService> {
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

    const register = new Projector(db, store, registerProjection, { pollIntervalMs: 200 });
    // Period documents hold a month's sources: polled once a second (not woken per append), so a busy
    // stream of commands writes each period document at most once a second, in one batch.
    const assessment = new Projector(db, store, assessmentProjection, { pollIntervalMs: 1_000 });
    const standards = shippedStandards();
    const service = new SanitationService(store, clock, businessCalendar(), standards, () => register.models());
    const queries = new SanitationQueries({
      registerModels: () => register.models(),
      assessmentModels: () => assessment.models(),
      config: shippedAssessmentConfig(),
    });
    const commands = new SanitationCommands(service, queries);
    const codec = sanitationEventCodec();
    const broker = createMessageBroker({ brokers: config.kafkaBrokers, clientId: `yiwang-${SERVICE_NAME}` }); // KAFKA_CLIENT=kafkajs|platformatic
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(db),
      broker,
      serviceName: SERVICE_NAME,
      codec,
      topic: config.topic,
      onError: (e) => logger.warn({ err: e }, 'relay error'),
    });
    const scheduler = new RectificationScheduler({
      db,
      service,
      models: () => assessment.models(),
      intervalMs: config.deadlineScanIntervalMs,
      onError: (e) => logger.warn({ err: e }, 'rectification scan error'),
    });

    register.start();
    assessment.start();
    stops.push(
      () => register.stop(),
      () => assessment.stop(),
    );
    await relay.start();
    stops.push(() => relay.stop());
    const unsubscribe = store.onLogAdvanced(() => {
      relay.wake();
      register.wake();
    });
    stops.push(async () => unsubscribe());
    scheduler.start();
    stops.push(() => scheduler.stop());

    let dayCloser: DayCloser | null = null;
    if (config.dayCloseIntervalMs > 0) {
      dayCloser = new DayCloser({
        db,
        service,
        commands,
        intervalMs: config.dayCloseIntervalMs,
        graceMs: config.dayCloseGraceMs,
        onError: (e) => logger.warn({ err: e }, 'daily close error'),
      });
      dayCloser.start();
      stops.push(() => dayCloser!.stop());
    }

    let loop: IntakeLoop | null = null;
    if (config.intakeGrpcAddress !== '') {
      const intake = new GrpcIntakeReports(config.intakeGrpcAddress, config.jwtSecret);
      stops.push(async () => intake.close());
      loop = new IntakeLoop(service, intake, () => assessment.models());
      await startLoopConsumers(loop, broker, db, config, logger, stops);
    }

    const auth = createTokenVerifier(config);
    // Sanitation events carry no personal data (facilities, devices, inspector subjects only).
    const eventLog = eventLogGrpcService({ store, codec });
    const grpc = createGrpcServer({ services: [sanitationGrpcService({ service, commands, queries }), eventLog], auth, logger });
    const grpcPort = await grpc.listen(`${config.host}:${config.grpcPort}`);
    stops.push(() => grpc.shutdown());

    const http = await buildHttpApp({
      logger,
      auth,
      readiness: [mongoReadiness(db), kafkaReadiness(config.kafkaBrokers)],
      openapi: { title: 'Yiwang sanitation', version: '1', description: 'Facility import, facilities and the three-assessment ranking' },
      metrics: telemetry.prometheus,
    });
    registerRoutes(http, commands, queries);
    await http.listen({ host: config.host, port: config.httpPort });
    stops.push(() => http.close());
    const httpPort = (http.server.address() as { port: number }).port;

    const local = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    logger.info({ grpcPort, httpPort }, 'sanitation service started');
    return {
      grpcAddress: `${local}:${grpcPort}`,
      httpAddress: `http://${local}:${httpPort}`,
      store,
      queries,
      scheduler,
      loop,
      dayCloser,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The loop's two process managers, each in its own consumer group: rectifications opened on the
 * own topic are handed to intake (retried with backoff while intake is unreachable; the request id
 * keeps retries from filing twice), and intake's closures are linked back.
 */
async function startLoopConsumers(
  loop: IntakeLoop,
  broker: MessageBroker,
  db: Parameters<typeof mongoRelayStorage>[0],
  config: SanitationConfig,
  logger: Logger,
  stops: Array<() => Promise<unknown>>,
): Promise<void> {
  // About ten minutes of retries before a hand-off goes to the dead-letter topic (to be replayed from there).
  const retry = { attempts: 25, initialDelayMs: 500, maxDelayMs: 30_000 };
  const handOff = new EventConsumer({
    broker,
    inbox: new MongoInbox(db),
    group: `${config.consumerGroup}.intake-handoff`,
    topics: [config.topic],
    types: [RECTIFICATION_OPENED],
    codec: sanitationEventCodec(),
    retry,
    handler: async (event) => {
      await loop.handOff(event);
    },
    onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'rectification not handed to intake yet'),
  });
  await handOff.start();
  stops.push(() => handOff.stop());
  const closures = new EventConsumer({
    broker,
    inbox: new MongoInbox(db),
    group: `${config.consumerGroup}.intake-closures`,
    topics: [config.intakeTopic],
    // Intake's topic may not exist yet (auto-create is off): made as intake's relay would, in the background.
    createMissingTopics: { partitions: 6 },
    types: [INTAKE_REPORT_CLOSED],
    codec: intakeClosureCodec(),
    retry,
    handler: async (event) => {
      await loop.closed(event);
    },
    onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'report closure not linked yet'),
  });
  await closures.start();
  stops.push(() => closures.stop());
}
