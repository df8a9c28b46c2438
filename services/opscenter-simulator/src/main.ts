import { readFileSync } from 'node:fs';
import { createLogger, stopOnSignals } from '@yiwang/platform';
import { loadSimulatorConfig } from './config';
import { startSimulator } from './service';

/**
 * The simulated operations centre as a process. `SIM_PLACES_FILE` may name a JSON array of
 * `{lat, lon}` points for generated work orders (the demo passes grid cell centres).
 */
async function main(): Promise<void> {
  const config = loadSimulatorConfig(process.env);
  const logger = createLogger({ service: 'opscenter-simulator', level: config.logLevel });
  const placesFile = process.env.SIM_PLACES_FILE;
  const places = placesFile ? (JSON.parse(readFileSync(placesFile, 'utf8')) as Array<{ lat: number; lon: number }>) : [];
  const sim = await startSimulator(config, { places });
  logger.info({ grpc: sim.grpcAddress, admin: sim.adminAddress, faults: sim.faults.current() }, 'operations-centre simulator started');
  // A token made here exists nowhere else: say it once on stdout (not in the structured log) so the operator can use the API.
  if (config.adminToken === '') process.stdout.write(`admin API token (set SIM_ADMIN_TOKEN to choose it): ${sim.adminToken}\n`);
  stopOnSignals({ logger, stop: () => sim.stop() });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
