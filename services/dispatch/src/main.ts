import { createLogger, startTelemetry, stopOnSignals } from '@yiwang/platform';
import { loadDispatchConfig } from './config';
import { SERVICE_NAME, startDispatchService } from './service';

/** The composition root: the only reader of process.env. Stops gracefully on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadDispatchConfig(process.env);
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const telemetry = startTelemetry({ serviceName: SERVICE_NAME, otlpEndpoint: config.otlpEndpoint, metricExportIntervalMs: config.metricExportIntervalMs });
  const offsetMs = config.clockOffsetMinutes * 60_000;
  if (offsetMs > 0) logger.warn({ clockOffsetMinutes: config.clockOffsetMinutes }, 'clock runs ahead of real time (demo knob)');
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const service = await startDispatchService(config, { logger, telemetry, clock });
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
