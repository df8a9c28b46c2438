import { createLogger, startTelemetry } from '@yiwang/platform';
import { loadDispatchConfig } from './config';
import { SERVICE_NAME, startDispatchService } from './service';

/** The composition root: the only reader of process.env. Stops gracefully on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadDispatchConfig(process.env);
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const telemetry = startTelemetry({ serviceName: SERVICE_NAME, otlpEndpoint: config.otlpEndpoint, metricExportIntervalMs: config.metricExportIntervalMs });
  const service = await startDispatchService(config, { logger, telemetry });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
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
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
