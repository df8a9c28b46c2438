import { createLogger, startTelemetry, stopOnSignals } from '@yiwang/platform';
import { loadIntegrationConfig } from './config';
import { SERVICE_NAME, startIntegrationService } from './service';

/** The composition root: the only reader of process.env. Stops gracefully on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadIntegrationConfig(process.env);
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const telemetry = startTelemetry({ serviceName: SERVICE_NAME, otlpEndpoint: config.otlpEndpoint, metricExportIntervalMs: config.metricExportIntervalMs });
  const service = await startIntegrationService(config, { logger, telemetry });
  stopOnSignals({
    logger,
    stop: async () => {
      await service.stop();
      await telemetry.shutdown();
    },
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
