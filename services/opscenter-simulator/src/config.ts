import { bool, int, list, loadConfig, loggingConfigVars, port, str, url, type ConfigOf, type Env, type EnvVar } from '@yiwang/platform';
import { SIMULATOR_DEFAULTS } from './public-defaults';

/** A share between 0 and 1. */
function fraction(name: string): EnvVar<number> {
  return {
    name,
    secret: false,
    read(raw) {
      if (raw === undefined || raw.trim() === '') return { ok: true, value: 0 };
      const v = Number(raw);
      return Number.isFinite(v) && v >= 0 && v <= 1
        ? { ok: true, value: v }
        : { ok: false, reason: `${name} must be a number from 0 to 1` };
    },
  };
}

/** The simulator's configuration (env); fault knobs set the starting behaviour, the admin API changes it later. */
export const simulatorConfigSchema = {
  host: str('SIM_BIND_HOST', { default: '127.0.0.1' }),
  grpcPort: port('SIM_GRPC_PORT', { default: SIMULATOR_DEFAULTS.grpcPort, allowZero: true }),
  adminPort: port('SIM_ADMIN_PORT', { default: SIMULATOR_DEFAULTS.adminPort, allowZero: true }),
  /** Bearer token of the admin API; when unset, a random one is made at start and printed once. */
  adminToken: str('SIM_ADMIN_TOKEN', { secret: true, minLength: 16, default: '' }),
  mongoUri: url('MONGODB_URI', { default: 'mongodb://127.0.0.1:27018/', protocols: ['mongodb:', 'mongodb+srv:'] }),
  mongoDb: str('SIM_DB', { default: SIMULATOR_DEFAULTS.database }),
  /** Yiwang's CaseLinkService (integration). */
  yiwangAddress: str('YIWANG_LINK_ADDRESS', { default: '127.0.0.1:50053' }),
  /** Subject CNs of Yiwang's client certificates the centre accepts. */
  allowedPeers: list('SIM_ALLOWED_PEERS', { default: ['yiwang-integration'] }),
  /** Folder with `yiwang-ca.crt`, `centre-server.{crt,key}`, `centre-client.{crt,key}` (see pki/generate-certificates.ts). */
  certDir: str('SIM_CERT_DIR', { default: '' }),
  unavailableForMs: int('SIM_UNAVAILABLE_FOR_MS', { min: 0, default: 0 }),
  delayMs: int('SIM_DELAY_MS', { min: 0, default: 0 }),
  errorRate: fraction('SIM_ERROR_RATE'),
  duplicateDeliveries: int('SIM_DUPLICATE_DELIVERIES', { min: 1, max: 10, default: 1 }),
  outOfOrderAcks: bool('SIM_OUT_OF_ORDER_ACKS', { default: false }),
  dropAckRate: fraction('SIM_DROP_ACK_RATE'),
  ...loggingConfigVars,
};

export type SimulatorConfig = ConfigOf<typeof simulatorConfigSchema>;

export const loadSimulatorConfig = (env: Env): SimulatorConfig => loadConfig(env, simulatorConfigSchema);
