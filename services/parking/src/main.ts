import { runServiceProcess } from '@yiwang/platform';
import { loadParkingConfig } from './config';
import { SERVICE_NAME } from './defaults';
import { startParkingService } from './service';

/** The composition root: the only reader of process.env. Stops gracefully on SIGTERM / SIGINT. */
runServiceProcess({
  serviceName: SERVICE_NAME,
  loadConfig: loadParkingConfig,
  start: (config, deps) => {
    const offsetMs = config.clockOffsetMinutes * 60_000;
    if (offsetMs > 0) deps.logger.warn({ clockOffsetMinutes: config.clockOffsetMinutes }, 'clock runs ahead of real time (demo knob)');
    return startParkingService(config, { ...deps, clock: { now: () => new Date(Date.now() + offsetMs) } });
  },
});
