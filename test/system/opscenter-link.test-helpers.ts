import { freePort, until } from '@yiwang/testing';
export { freePort, until };
// Helpers for integration's e2e tests: the whole link in one process against the real broker and
// database — intake, dispatch, integration and the operations-centre simulator (not production code).
import { randomBytes } from 'node:crypto';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import { CaseLinkServiceClient, type SubmitWorkOrderRequest } from '@yiwang/proto/yiwang/opscenter/v1/case_link_service';
import { DispatchServiceClient, VerificationOutcome, type GetCaseResponse } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import * as dispatchApi from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { loadIntakeConfig, startIntakeService, cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { loadDispatchConfig, startDispatchService, type DispatchService } from '@yiwang/dispatch';
import {
  generateLinkCertificates,
  LINK_IDENTITIES,
  type LinkCertificates,
  loadSimulatorConfig,
  startSimulator,
  type RunningSimulator,
  hotlineOrder,
} from '@yiwang/opscenter-simulator';
import { loadIntegrationConfig, type IntegrationConfig, startIntegrationService, type IntegrationService } from '@yiwang/integration';

export const SECRET = 'integration-e2e-secret-at-least-32-chars';

/** Grid cell centres, so that every order is filed at once and none merges with another. */
export const places = (): Array<{ lat: number; lon: number }> =>
  [...shippedUnitGrid().cells.values()].filter((_, i) => i % 3 === 0).map((c) => cellCentre(c));

/** Every knob short, so that outages, backoff and leases take seconds in tests. */
export function integrationEnv(prefix: string, over: Record<string, string>): Record<string, string> {
  const servers = testServers();
  return {
    BIND_HOST: '127.0.0.1',
    INTEGRATION_GRPC_PORT: '0',
    INTEGRATION_INTERNAL_GRPC_PORT: '0',
    INTEGRATION_HTTP_PORT: '0',
    MONGODB_URI: servers.mongoUri,
    INTEGRATION_DB: `${prefix}_integration`,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    DISPATCH_TOPIC: `yiwang.${prefix}_dispatch.events.v1`,
    HEATING_TOPIC: `yiwang.${prefix}_heating.events.v1`,
    INTEGRATION_CONSUMER_GROUP: `${prefix}.integration`,
    OPSCENTER_PUSH_BATCH: '50',
    OPSCENTER_CALL_TIMEOUT_MS: '2000',
    OPSCENTER_BACKOFF_INITIAL_MS: '100',
    OPSCENTER_BACKOFF_MAX_MS: '800',
    OPSCENTER_BREAKER_FAILURES: '3',
    OPSCENTER_BREAKER_OPEN_MS: '700',
    OPSCENTER_PUSH_POLL_MS: '50',
    OPSCENTER_LEASE_TTL_MS: '2000',
    OPSCENTER_RECONCILE_INTERVAL_MS: '0',
    INTEGRATION_CONSUMER_SESSION_TIMEOUT_MS: '6000',
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    ...over,
  };
}

/** Integration's side of the link: trusts the centre's CA, presents Yiwang's certificate. */
export const yiwangTls = (certs: LinkCertificates) => ({ ca: certs.centreCa, cert: certs.yiwangClient.cert, key: certs.yiwangClient.key });

export interface Link {
  readonly prefix: string;
  readonly certs: LinkCertificates;
  readonly intake: Awaited<ReturnType<typeof startIntakeService>>;
  readonly dispatch: DispatchService;
  readonly simulator: RunningSimulator;
  integration: IntegrationService;
  readonly integrationConfig: IntegrationConfig;
  readonly places: Array<{ lat: number; lon: number }>;
  close(): Promise<void>;
}

/** Starts intake, dispatch, the simulator and integration, wired to each other, on fresh databases and topics. */
export async function startLink(file: string): Promise<Link> {
  const t = await testDatabase(file);
  const prefix = uniqueName(file);
  const servers = testServers();
  const certs = await generateLinkCertificates();
  const intakeTopic = `yiwang.${prefix}_intake.events.v1`;
  const dispatchTopic = `yiwang.${prefix}_dispatch.events.v1`;
  const intake = await startIntakeService(
    loadIntakeConfig({
      MONGODB_URI: servers.mongoUri,
      INTAKE_DB: `${prefix}_intake`,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      INTAKE_HTTP_PORT: '0',
      INTAKE_GRPC_PORT: '0',
      INTAKE_HOST: '127.0.0.1',
      INTAKE_EVENTS_TOPIC: intakeTopic,
      DISPATCH_EVENTS_TOPIC: dispatchTopic,
      INTAKE_CONSUMER_GROUP: `${prefix}.intake`,
      AUTH_JWT_SECRET: SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    }),
  );
  const dispatch = await startDispatchService(
    loadDispatchConfig({
      BIND_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      MONGODB_URI: servers.mongoUri,
      DISPATCH_DB: `${prefix}_dispatch`,
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      DISPATCH_TOPIC: dispatchTopic,
      INTAKE_TOPIC: intakeTopic,
      DISPATCH_CONSUMER_GROUP: `${prefix}.router`,
      DEADLINE_SCAN_INTERVAL_MS: '1000',
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
    }),
  );
  // Each side needs the other's address: take a free port for the simulator first.
  const simPort = await freePort();
  const simTls = {
    peerCa: certs.yiwangCa,
    serverCert: certs.centreServer.cert,
    serverKey: certs.centreServer.key,
    clientCert: certs.centreClient.cert,
    clientKey: certs.centreClient.key,
  };
  const linkPlaces = places();
  const integrationConfig = loadIntegrationConfig(
    integrationEnv(prefix, { INTAKE_GRPC_ADDRESS: intake.grpcAddress, OPSCENTER_ADDRESS: `127.0.0.1:${simPort}` }),
  );
  // Integration presents one certificate of Yiwang's CA, as server to the centre and as client of it.
  const integration = await startIntegrationService(integrationConfig, { tls: yiwangTls(certs) });
  const simulator = await startSimulator(
    loadSimulatorConfig({
      SIM_GRPC_PORT: String(simPort),
      SIM_ADMIN_PORT: '0',
      MONGODB_URI: servers.mongoUri,
      SIM_DB: `${prefix}_centre`,
      YIWANG_LINK_ADDRESS: integration.grpcAddress,
    }),
    { tls: simTls, places: linkPlaces },
  );
  const link: Link = {
    prefix,
    certs,
    intake,
    dispatch,
    simulator,
    integration,
    integrationConfig,
    places: linkPlaces,
    close: async () => {
      await link.integration.stop();
      await simulator.stop();
      await dispatch.stop();
      await intake.stop();
      await t.close();
    },
  };
  return link;
}

/** A 12345 order at the i-th place (each test uses its own range of i). */
export const order = (link: Link, i: number, over: Partial<SubmitWorkOrderRequest> = {}): SubmitWorkOrderRequest => ({
  ...hotlineOrder(i, link.places),
  externalId: `${link.prefix}-WO-${i}`,
  ...over,
});

/** CaseLinkService as a caller with the given certificate (or none). */
export function linkClient(link: Link, who: 'centre' | 'stranger' | 'rogue' | 'no-certificate'): CaseLinkServiceClient {
  const { certs } = link;
  const creds: ChannelCredentials =
    who === 'no-certificate'
      ? credentials.createSsl(Buffer.from(certs.yiwangCa))
      : credentials.createSsl(
          Buffer.from(certs.yiwangCa),
          Buffer.from((who === 'centre' ? certs.centreClient : certs[who]).key),
          Buffer.from((who === 'centre' ? certs.centreClient : certs[who]).cert),
        );
  return new CaseLinkServiceClient(link.integration.grpcAddress, creds);
}

export const CENTRE_IDENTITY = LINK_IDENTITIES.centreClient;

export const centreCommand: Principal = { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] };
const inspector: Principal = { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] };

async function dispatchClient(link: Link, who: Principal): Promise<DispatchServiceClient> {
  return createGrpcClient(DispatchServiceClient, link.dispatch.grpcAddress, { token: await signToken(who, { secret: SECRET }) });
}

/** Calls a dispatch method by name with the request completed from its defaults. */
function call<Res>(c: DispatchServiceClient, method: string, request: object): Promise<Res> {
  const fn = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(c);
  const type = `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`;
  const fns = (dispatchApi as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}

/** The unit the case was dispatched to, once dispatch has it. */
export async function dispatchedUnit(link: Link, caseId: string): Promise<string> {
  const centre = await dispatchClient(link, centreCommand);
  try {
    const c = await until(
      async () => (await call<GetCaseResponse>(centre, 'getCase', { caseId })).case,
      45_000,
      `case ${caseId} dispatched`,
    );
    return c.unitId;
  } finally {
    centre.close();
  }
}

/** Takes a dispatched case through the loop: signed for, handled, verified (optionally failed once first), closed. */
export async function driveToClosure(link: Link, caseId: string, options: { failFirst?: boolean } = {}): Promise<void> {
  const unitId = await dispatchedUnit(link, caseId);
  const unit = await dispatchClient(link, { subject: 'wang.li', department: unitId, roles: [] });
  const check = await dispatchClient(link, inspector);
  try {
    await call(unit, 'signFor', { caseId });
    await call(unit, 'reportHandling', { caseId, notes: '已清运', photoRefs: ['p/1.jpg'] });
    if (options.failFirst) {
      await call(check, 'verify', { caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_FAILED, notes: '仍有残留' });
      await call(unit, 'reportHandling', { caseId, notes: '已彻底清理', photoRefs: ['p/2.jpg'] });
    }
    await call(check, 'verify', { caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED });
  } finally {
    unit.close();
    check.close();
  }
}

export const submitAsCentre = (client: CaseLinkServiceClient, request: SubmitWorkOrderRequest) =>
  callUnary(client.submitWorkOrder.bind(client), request, { deadlineMs: 15_000 });

export async function grpcFailure(p: Promise<unknown>): Promise<{ code: number; details: string; violations: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; details: string; metadata?: { get(k: string): unknown[] } };
    const raw = err.metadata?.get('yiwang-violations-bin')[0];
    return { code: err.code, details: err.details, violations: Buffer.isBuffer(raw) ? raw.toString('utf8') : '' };
  }
  throw new Error('expected the call to fail');
}
