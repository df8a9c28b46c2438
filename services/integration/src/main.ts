import { runServiceProcess } from '@yiwang/platform';
import { loadIntegrationConfig } from './config';
import { SERVICE_NAME, startIntegrationService } from './service';

/** The composition root: the only reader of process.env. Stops gracefully on SIGTERM / SIGINT. */
runServiceProcess({ serviceName: SERVICE_NAME, loadConfig: loadIntegrationConfig, start: startIntegrationService });
