import { runServiceProcess } from '@yiwang/platform';
import { loadIntakeConfig } from './config';
import { SERVICE_NAME, startIntakeService } from './service';

/** The intake process: the only place that reads the environment. */
runServiceProcess({ serviceName: SERVICE_NAME, loadConfig: loadIntakeConfig, start: startIntakeService });
