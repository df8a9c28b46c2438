import type { Logger } from 'pino';

export interface ShutdownOptions {
  readonly logger: Logger;
  /** Stops the service (servers, consumers, relay) and then telemetry; called once. */
  readonly stop: () => Promise<void>;
  /** Exit anyway after this long, so an orchestrator's kill is never needed. */
  readonly forceAfterMs?: number;
}

/**
 * Stops a service process cleanly on SIGTERM or SIGINT, once, then exits: 0 when everything stopped,
 * 1 when stopping failed or took longer than `forceAfterMs`. Shared by every service's main.ts.
 */
export function stopOnSignals(options: ShutdownOptions): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      options.logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, options.forceAfterMs ?? 45_000);
    force.unref();
    options.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        options.logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
