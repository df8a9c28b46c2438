/**
 * @yiwang/intake — the public module: what other packages (the analysts' tool, system tests,
 * benches, the demo) may use. Importing it starts nothing and reads no environment; `main.ts` is
 * the process.
 */
import type { ServiceAnalytics } from '@yiwang/event-log';
import { redactReporterContact } from './adapters/grpc/event-log-personal-data';
import { intakeEventCodec } from './adapters/kafka/intake-event-codec';
import { reportIndexProjection } from './application/projections/report-index-projection';
import { reportsProjection } from './application/projections/reports-projection';
import { INTAKE_DEFAULTS } from './public-defaults';
import { SERVICE_NAME } from './service';

export { INTAKE_DEFAULTS } from './public-defaults';
export { SERVICE_NAME, startIntakeService, type RunningIntake, type IntakeServiceOptions } from './service';
export { loadIntakeConfig, type IntakeConfig } from './config';
export { intakeEventCodec } from './adapters/kafka/intake-event-codec';
export { redactReporterContact } from './adapters/grpc/event-log-personal-data';
export { reportsProjection } from './application/projections/reports-projection';
export { reportIndexProjection } from './application/projections/report-index-projection';
// The shipped reference data, for clients that place reports in the demo city.
export { shippedUnitDirectory } from './application/case-progress/unit-directory';
export { cellCentre, isHouseholdComplaint, shippedCategoryTable, shippedUnitGrid, type GridCell, type UnitGrid } from './domain';

export const intakeAnalytics: ServiceAnalytics = {
  name: SERVICE_NAME,
  logPort: INTAKE_DEFAULTS.grpcPort,
  topic: INTAKE_DEFAULTS.topic,
  database: INTAKE_DEFAULTS.database,
  codec: intakeEventCodec,
  redact: redactReporterContact,
  projections: (_store, settings) => [
    reportsProjection,
    reportIndexProjection(settings['duplicateWindowHours'] ?? INTAKE_DEFAULTS.duplicateWindowHours),
  ],
};
