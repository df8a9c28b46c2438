import { grpcDispatchFeedback, sharedSecretTokens } from '@yiwang/dispatch-link';
import { EventRelay, KafkajsBroker, type ConsumerOutcome } from '@yiwang/kernel-kafka';
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
import { eventLogGrpcService } from '@yiwang/event-log';
import { shippedPolicy, type EnforcementPolicy } from './domain';
import { EnforcementCases } from './application/case-service';
import { EnforcementDeadlines } from './application/deadline-scheduler';
import { DispatchHandover } from './application/dispatch-handover';
import { dispatchFeedbackReaction, type DispatchFeedback } from './application/dispatch-feedback';
import { startDispatchHandoverConsumer } from './adapters/kafka/dispatch-handover-consumer';
import { EnforcementQueries } from './application/queries';
import { partyPolicy } from './application/personal-data';
import { caseViewProjection } from './application/projections/case-view';
import { enforcementEventCodec } from './adapters/kafka/enforcement-event-codec';
import { enforcementGrpcService } from './adapters/grpc/enforcement-grpc';
import { registerRoutes } from './adapters/http/routes';
import { type EnforcementConfig } from './config';
import { SERVICE_NAME } from './defaults';

export interface EnforcementRuntime {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  readonly policy?: EnforcementPolicy;
  /** After each dispatch event the hand-over consumer settles (tests). */
  readonly onHandoverSettled?: (outcome: ConsumerOutcome) => void;
  /** Dispatch's handling feedback; by default its gRPC API at `dispatchGrpcAddress` (tests pass their own). */
  readonly dispatchFeedback?: DispatchFeedback;
}

export interface EnforcementService {
  readonly grpcAddress: string;
  readonly httpAddress: string;
  readonly store: MongoEventStore;
  readonly cases: EnforcementCases;
  readonly queries: EnforcementQueries;
  readonly deadlines: EnforcementDeadlines;
  readonly handover: DispatchHandover;
  readonly vault: PersonalDataVault;
  stop(): Promise<void>;
}

/**
 * Starts the enforcement service in this process: store + sequencer, the case-view projector, the
 * relay to `yiwang.enforcement.events.v1`, the leased deadline scan, gRPC (its API and its event
 * log) and HTTP. Used by main.ts, the tests and the demo; `stop()` takes it down in reverse order.
 */
export async function startEnforcementService(config: EnforcementConfig, runtime: EnforcementRuntime = {}): Promise<EnforcementService> {
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

    const policy = runtime.policy ?? shippedPolicy();
    const vault = new PersonalDataVault(mongoVaultKeys(db), config.piiMasterKey);
    const cases = new EnforcementCases(store, clock, policy, vault);
    const projector = new Projector(db, store, caseViewProjection, { pollIntervalMs: 200 });
    const queries = new EnforcementQueries({ clock, policy, vault, models: () => projector.models() });
    const codec = enforcementEventCodec();
    const broker = new KafkajsBroker({ brokers: config.kafkaBrokers, clientId: `yiwang-${SERVICE_NAME}` });
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(db),
      broker,
      serviceName: SERVICE_NAME,
      codec,
      topic: config.topic,
      onError: (e) => logger.warn({ err: e }, 'relay error'),
    });
    const deadlines = new EnforcementDeadlines({
      db,
      cases,
      models: () => projector.models(),
      intervalMs: config.deadlineScanIntervalMs,
      onError: (e) => logger.warn({ err: e }, 'deadline scan error'),
    });

    const handover = new DispatchHandover(db, cases);
    let feedback = runtime.dispatchFeedback;
    if (feedback === undefined) {
      const grpcFeedback = grpcDispatchFeedback({
        address: config.dispatchGrpcAddress,
        tokenFor: sharedSecretTokens('enforcement-dispatch-feedback', config.jwtSecret, config.jwtIssuer, config.jwtAudience),
      });
      stops.push(async () => grpcFeedback.close());
      feedback = grpcFeedback;
    }
    const feedbackReaction = new Projector(
      db,
      store,
      dispatchFeedbackReaction(cases, handover, feedback, (message, context) => logger.warn(context, message)),
      { pollIntervalMs: 200 },
    );

    projector.start();
    stops.push(() => projector.stop());
    feedbackReaction.start();
    stops.push(() => feedbackReaction.stop());
    await relay.start();
    stops.push(() => relay.stop());
    const unsubscribe = store.onLogAdvanced(() => {
      relay.wake();
      projector.wake();
      feedbackReaction.wake();
    });
    stops.push(async () => unsubscribe());
    deadlines.start();
    stops.push(() => deadlines.stop());

    const handoverConsumer = await startDispatchHandoverConsumer({
      broker,
      db,
      handover,
      dispatchTopic: config.dispatchTopic,
      group: config.dispatchGroup,
      onError: (e) => logger.warn({ err: e }, 'dispatch hand-over: event not handled'),
      ...(runtime.onHandoverSettled ? { onSettled: runtime.onHandoverSettled } : {}),
    });
    stops.push(() => handoverConsumer.stop());

    const auth = createTokenVerifier(config);
    // The ordered log for analysts; parties' sealed fields are blanked unless `analyst.personal-data`.
    const eventLog = eventLogGrpcService({ store, codec, personalData: partyPolicy(vault) });
    const grpc = createGrpcServer({ services: [enforcementGrpcService({ cases, queries }), eventLog], auth, logger });
    const grpcPort = await grpc.listen(`${config.host}:${config.grpcPort}`);
    stops.push(() => grpc.shutdown());

    const http = await buildHttpApp({
      logger,
      auth,
      readiness: [mongoReadiness(db), kafkaReadiness(config.kafkaBrokers)],
      openapi: {
        title: 'Yiwang enforcement',
        version: '1',
        description: 'Administrative penalty cases (执法办案): case read API and the public 双公示 list',
      },
      metrics: telemetry.prometheus,
    });
    registerRoutes(http, queries);
    await http.listen({ host: config.host, port: config.httpPort });
    stops.push(() => http.close());
    const httpPort = (http.server.address() as { port: number }).port;

    const local = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    logger.info({ grpcPort, httpPort }, 'enforcement service started');
    return {
      grpcAddress: `${local}:${grpcPort}`,
      httpAddress: `http://${local}:${httpPort}`,
      store,
      cases,
      queries,
      deadlines,
      handover,
      vault,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
