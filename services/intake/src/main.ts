import { createLogger, startTelemetry, stopOnSignals } from '@yiwang/platform';
import { loadIntakeConfig } from './config';
import { SERVICE_NAME, startIntakeService } from './service';

/** The intake process: the only place that reads the environment. */
async function main(): Promise<void> {
  const config = loadIntakeConfig(process.env);
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const telemetry = startTelemetry({ serviceName: SERVICE_NAME, otlpEndpoint: config.otlpEndpoint, metricExportIntervalMs: config.metricExportIntervalMs });
  const service = await startIntakeService(config, { logger, telemetry });
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
