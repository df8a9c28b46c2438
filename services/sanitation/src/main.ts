import { runServiceProcess } from '@yiwang/platform';
import { loadSanitationConfig } from './config';
import { SERVICE_NAME } from './defaults';
import { startSanitationService } from './service';

/** The composition root: the only reader of process.env. Stops gracefully on SIGTERM / SIGINT. */
runServiceProcess({
  serviceName: SERVICE_NAME,
  loadConfig: loadSanitationConfig,
  start: (config, deps) => startSanitationService(config, deps),
});
