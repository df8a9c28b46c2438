import { createLogger, startTelemetry } from '@yiwang/platform';
import { loadIntakeConfig } from './config';
import { SERVICE_NAME, startIntakeService } from './service';

/** The intake process: the only place that reads the environment. */
async function main(): Promise<void> {
  const config = loadIntakeConfig(process.env);
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const telemetry = startTelemetry({ serviceName: SERVICE_NAME, otlpEndpoint: config.otlpEndpoint, metricExportIntervalMs: config.metricExportIntervalMs });
  const service = await startIntakeService(config, { logger, telemetry });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    service
      .stop()
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          logger.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
