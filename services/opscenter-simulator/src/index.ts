/**
 * @yiwang/opscenter-simulator — the public module: what system tests, benches and the demo use to
 * run the simulated operations centre in-process. Importing it starts nothing.
 */
export { SIMULATOR_DEFAULTS } from './public-defaults';

export { startSimulator, tlsFromDir, type RunningSimulator } from './service';
export { loadSimulatorConfig, type SimulatorConfig } from './config';
export {
  generateLinkCertificates,
  writeLinkCertificates,
  LINK_IDENTITIES,
  type LinkCertificates,
  type PemPair,
} from './pki/link-certificates';
export { hotlineOrder } from './work-orders/hotline-orders';
export type { CentreCaseDoc, CentreStats } from './store/centre-store';
