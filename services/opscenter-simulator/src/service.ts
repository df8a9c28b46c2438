import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { type Server } from '@grpc/grpc-js';
import { type FastifyInstance } from 'fastify';
import { CentreStore } from './store/centre-store';
import { Faults } from './faults/faults';
import { centreGrpcServer } from './grpc/centre-grpc';
import { serverCredentials, type CentreTls } from './grpc/tls';
import { OrderSender } from './work-orders/order-sender';
import { adminApp } from './admin/admin-http';
import { type SimulatorConfig } from './config';

export interface RunningSimulator {
  /** `host:port` of OpsCentreService (mutual TLS). */
  readonly grpcAddress: string;
  /** `http://host:port` of the admin API. */
  readonly adminAddress: string;
  /** Its bearer token: SIM_ADMIN_TOKEN, or made at start when that is unset. */
  readonly adminToken: string;
  readonly store: CentreStore;
  readonly faults: Faults;
  readonly sender: OrderSender;
  stop(): Promise<void>;
}

export function tlsFromDir(dir: string): CentreTls {
  if (dir === '')
    throw new Error('SIM_CERT_DIR is required: the folder of the link certificates (pki/generate-certificates.ts makes them)');
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    peerCa: read('yiwang-ca.crt'),
    serverCert: read('centre-server.crt'),
    serverKey: read('centre-server.key'),
    clientCert: read('centre-client.crt'),
    clientKey: read('centre-client.key'),
  };
}

/**
 * Starts the simulated operations centre: its store in MongoDB (its own database), the
 * OpsCentreService over mutual TLS, the order sender towards Yiwang and the admin HTTP API.
 */
export async function startSimulator(
  config: SimulatorConfig,
  options: { tls?: CentreTls; places?: ReadonlyArray<{ lat: number; lon: number }>; now?: () => Date } = {},
): Promise<RunningSimulator> {
  const now = options.now ?? (() => new Date());
  const tls = options.tls ?? tlsFromDir(config.certDir);
  const client = new MongoClient(config.mongoUri);
  await client.connect();
  const stops: Array<() => Promise<unknown>> = [() => client.close()];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const db = client.db(config.mongoDb);
    const store = new CentreStore(db);
    const faults = new Faults({
      unavailableForMs: config.unavailableForMs,
      delayMs: config.delayMs,
      errorRate: config.errorRate,
      duplicateDeliveries: config.duplicateDeliveries,
      outOfOrderAcks: config.outOfOrderAcks,
      dropAckRate: config.dropAckRate,
    });
    const server: Server = centreGrpcServer({ store, faults, allowedPeers: config.allowedPeers, now });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${config.host}:${config.grpcPort}`, serverCredentials(tls), (e, p) => (e ? reject(e) : resolve(p))),
    );
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 3_000);
          server.tryShutdown(() => {
            clearTimeout(t);
            resolve();
          });
        }),
    );
    const sender = new OrderSender(db, config.yiwangAddress, tls, faults);
    stops.push(async () => sender.close());
    const adminToken = config.adminToken !== '' ? config.adminToken : randomBytes(24).toString('base64url');
    const admin: FastifyInstance = adminApp({ store, faults, sender, places: options.places ?? [], now, token: adminToken });
    await admin.listen({ host: config.host, port: config.adminPort });
    stops.push(() => admin.close());
    const adminPort = (admin.server.address() as { port: number }).port;
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    return { grpcAddress: `${host}:${grpcPort}`, adminAddress: `http://${host}:${adminPort}`, adminToken, store, faults, sender, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
