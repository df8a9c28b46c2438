import { EventConsumer, EventRelay, createMessageBroker } from '@yiwang/kernel-kafka';
import { MongoEventStore, Projector, mongoRelayStorage } from '@yiwang/kernel-mongodb';
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
import { businessCalendar, INTAKE_REPORT_EVENT_TYPES, shippedIndicatorConfig, shippedResponsibilityMatrix } from './domain';
import { systemClock, type Clock } from '@yiwang/kernel-core';
import { CaseService } from './application/case-service';
import { filedReportHandler, REPORT_FILED } from './application/filed-report-router';
import { DeadlineScheduler } from './application/deadline-scheduler';
import { DispatchQueries } from './application/queries';
import { caseListsProjection } from './application/projections/case-lists';
import { caseIndicatorsProjection } from './application/projections/case-indicators';
import { ReportIndicators } from './application/projections/report-indicators';
import { caseEventCodec, intakeEventCodec } from './adapters/kafka/case-event-codec';
import { dispatchGrpcService } from './adapters/grpc/dispatch-grpc';
import { registerReadRoutes } from './adapters/http/read-api';
import { eventLogGrpcService } from '@yiwang/event-log';
import { type DispatchConfig } from './config';

export const SERVICE_NAME = 'dispatch';

export interface DispatchRuntime {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The process's telemetry (main.ts); a private, non-global one is made when omitted. */
  readonly telemetry?: Telemetry;
}

export interface DispatchService {
  readonly grpcAddress: string;
  readonly httpAddress: string;
  readonly store: MongoEventStore;
  readonly queries: DispatchQueries;
  readonly scheduler: DeadlineScheduler;
  stop(): Promise<void>;
}

/**
 * Starts the dispatch service in this process: store + sequencer, projections, the relay to
 * `yiwang.dispatch.events.v1`, the consumer of filed reports, the leased deadline scan, gRPC and
 * HTTP. Used by main.ts, the tests and the demo; `stop()` takes it all down in reverse order.
 */
export async function startDispatchService(config: DispatchConfig, runtime: DispatchRuntime = {}): Promise<DispatchService> {
  const logger = runtime.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const clock = runtime.clock ?? systemClock;
  const telemetry = runtime.telemetry ?? startTelemetry({ serviceName: SERVICE_NAME, registerGlobal: false });
  const ownTelemetry = runtime.telemetry === undefined;
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    const mongo = await connectMongo(config.mongoUri, config.mongoDb);
    stops.push(() => mongo.close());
    if (ownTelemetry) stops.push(() => telemetry.shutdown());
    const db = mongo.db;
    const store = new MongoEventStore(db, { serviceName: SERVICE_NAME });
    await store.init();
    store.startSequencer();
    stops.push(() => store.stopSequencer());

    const calendar = businessCalendar();
    const matrix = shippedResponsibilityMatrix();
    const indicators = shippedIndicatorConfig();
    const cases = new CaseService(store, clock, calendar, matrix);

    const lists = new Projector(db, store, caseListsProjection, { pollIntervalMs: 200 });
    const counters = new Projector(db, store, caseIndicatorsProjection(store), { pollIntervalMs: 500 });
    const reportCounters = new ReportIndicators(db);
    const queries = new DispatchQueries({
      store,
      clock,
      matrix,
      indicators,
      caseModels: () => lists.models(),
      indicatorModels: () => counters.models(),
      reportRows: (days) => reportCounters.rowsOfWeeks(days),
    });
    const broker = createMessageBroker({ brokers: config.kafkaBrokers, clientId: `yiwang-${SERVICE_NAME}` }); // KAFKA_CLIENT=kafkajs|platformatic
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(db),
      broker,
      serviceName: SERVICE_NAME,
      codec: caseEventCodec(),
      topic: config.dispatchTopic,
      onError: (e) => logger.warn({ err: e }, 'relay error'),
    });
    const scheduler = new DeadlineScheduler({
      db,
      cases,
      models: () => lists.models(),
      intervalMs: config.deadlineScanIntervalMs,
      onError: (e) => logger.warn({ err: e }, 'deadline scan error'),
    });

    lists.start();
    counters.start();
    stops.push(
      () => lists.stop(),
      () => counters.stop(),
    );
    await relay.start();
    stops.push(() => relay.stop());
    const unsubscribe = store.onLogAdvanced(() => {
      relay.wake();
      lists.wake();
      counters.wake();
    });
    stops.push(async () => unsubscribe());

    const route = filedReportHandler(cases);
    const consumer = new EventConsumer({
      broker,
      // No inbox: the command id is the event's id, so a repeat returns the first result.
      inbox: null,
      group: config.consumerGroup,
      topics: [config.intakeTopic],
      // The intake topic may not exist yet (auto-create is off): created as intake's relay would,
      // in the background like the join, so dispatch serves while the broker is away.
      createMissingTopics: { partitions: 6 },
      types: [REPORT_FILED],
      codec: intakeEventCodec(),
      handler: async (event) => {
        await route(event);
      },
      onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'filed report not routed yet'),
    });
    await consumer.start();
    stops.push(() => consumer.stop());
    // The filing rate's counters, in a group of their own: counting never waits for routing.
    const reportConsumer = new EventConsumer({
      broker,
      // No inbox: each row keeps its report stream's version, so a repeat changes nothing.
      inbox: null,
      group: `${config.consumerGroup}.report-counters`,
      topics: [config.intakeTopic],
      types: INTAKE_REPORT_EVENT_TYPES,
      codec: intakeEventCodec(),
      handler: (event, context) => reportCounters.apply(event, context),
      onError: (e, m) => logger.warn({ err: e, topic: m.topic, offset: m.offset }, 'report not counted yet'),
    });
    await reportConsumer.start();
    stops.push(() => reportConsumer.stop());

    scheduler.start();
    stops.push(() => scheduler.stop());

    const auth = createTokenVerifier(config);
    // The ordered log for analysts' replays (role analyst.replay); case events carry no personal data.
    const eventLog = eventLogGrpcService({ store, codec: caseEventCodec() });
    const grpc = createGrpcServer({ services: [dispatchGrpcService({ cases, queries, indicators }), eventLog], auth, logger });
    const grpcPort = await grpc.listen(`${config.host}:${config.grpcPort}`);
    stops.push(() => grpc.shutdown());

    const http = await buildHttpApp({
      logger,
      auth,
      readiness: [mongoReadiness(db), kafkaReadiness(config.kafkaBrokers)],
      openapi: { title: 'Yiwang dispatch', version: '1', description: 'Cases, indicators and rankings (read API)' },
      metrics: telemetry.prometheus,
    });
    registerReadRoutes(http, queries, { indicatorIds: [...indicators.keys()] });
    await http.listen({ host: config.host, port: config.httpPort });
    stops.push(() => http.close());
    const httpPort = (http.server.address() as { port: number }).port;

    const local = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    logger.info({ grpcPort, httpPort }, 'dispatch service started');
    return { grpcAddress: `${local}:${grpcPort}`, httpAddress: `http://${local}:${httpPort}`, store, queries, scheduler, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
