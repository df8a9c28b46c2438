/**
 * @yiwang/integration — the public module: what the analysts' tool, system tests and benches may
 * use. Importing it starts nothing and reads no environment; `main.ts` is the process.
 */
import type { ServiceAnalytics } from '@yiwang/event-log';
import { JsonEventCodec } from '@yiwang/kernel-kafka';
import { INTEGRATION_DEFAULTS } from './public-defaults';
import { SERVICE_NAME } from './service';

export { INTEGRATION_DEFAULTS } from './public-defaults';

export { SERVICE_NAME, startIntegrationService, type IntegrationService, type IntegrationRuntime } from './service';
export { loadIntegrationConfig, type IntegrationConfig } from './config';

export const integrationAnalytics: ServiceAnalytics = {
  name: SERVICE_NAME,
  // Its log is on its internal port (bearer tokens), not on the centre's mutual-TLS port.
  logPort: INTEGRATION_DEFAULTS.internalGrpcPort,
  // Nothing is published: its events are the outbound queue to the centre.
  topic: null,
  database: INTEGRATION_DEFAULTS.database,
  codec: () => new JsonEventCodec(),
  redact: (e) => e,
  projections: () => [],
};
