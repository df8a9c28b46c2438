import type { Logger } from 'pino';
import { createLogger, type LogLevel } from '../logging/logger';
import { startTelemetry, type Telemetry } from '../telemetry/telemetry';
import { stopOnSignals } from './shutdown';

/** What every service's configuration carries for its process (see the platform's config vars). */
export interface ProcessConfig {
  readonly logLevel: LogLevel;
  readonly otlpEndpoint?: string | undefined;
  readonly metricExportIntervalMs: number;
}

/**
 * The body of a service's main.ts: configuration from the environment, logger, telemetry, the
 * service, and a graceful stop (service, then telemetry) on SIGTERM / SIGINT. A start that fails
 * prints why and exits 1.
 */
export function runServiceProcess<C extends ProcessConfig>(options: {
  readonly serviceName: string;
  readonly loadConfig: (env: NodeJS.ProcessEnv) => C;
  readonly start: (config: C, deps: { logger: Logger; telemetry: Telemetry }) => Promise<{ stop(): Promise<void> }>;
}): void {
  const main = async (): Promise<void> => {
    const config = options.loadConfig(process.env);
    const logger = createLogger({ service: options.serviceName, level: config.logLevel });
    const telemetry = startTelemetry({
      serviceName: options.serviceName,
      otlpEndpoint: config.otlpEndpoint,
      metricExportIntervalMs: config.metricExportIntervalMs,
    });
    const service = await options.start(config, { logger, telemetry });
    stopOnSignals({
      logger,
      stop: async () => {
        await service.stop();
        await telemetry.shutdown();
      },
    });
  };
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
