// The sanitation service's public module: side-effect free (no server start, no env reads), for
// the analysts' tool, the demo and other services. main.ts is the process entry.
import type { ServiceAnalytics } from '@yiwang/event-log';
import { sanitationEventCodec as codec } from './adapters/kafka/sanitation-event-codec';
import { assessmentProjection as assessment } from './application/projections/assessment';
import { registerProjection as register } from './application/projections/register';
import { SANITATION_DEFAULTS as DEFAULTS, SERVICE_NAME as NAME } from './defaults';
export { SERVICE_NAME, SANITATION_DEFAULTS } from './defaults';
export {
  sanitationEventCodec,
  SANITATION_EVENT_MESSAGES,
  SANITATION_EVENT_TYPES,
  type SanitationEventType,
} from './adapters/kafka/sanitation-event-codec';
export { registerProjection, MODELS as REGISTER_MODELS, type FacilityDoc, type DeviceDoc } from './application/projections/register';
export {
  assessmentProjection,
  ASSESSMENT_MODELS,
  periodKey,
  type PeriodDoc,
  type InspectionDoc,
} from './application/projections/assessment';
export { SanitationQueries, type Ranking } from './application/queries';
export { startSanitationService, type RunningSanitationService, type SanitationRuntime } from './service';
export { loadSanitationConfig, type SanitationConfig } from './config';
export { rankingFromLog } from './application/replay-ranking';
export { IntakeLoop, intakeRequestId, type IntakeReports } from './application/intake-loop';
export {
  facilityTotals,
  rankingTable,
  scoreOf,
  passRate,
  shippedAssessmentConfig,
  shippedStandards,
  assessmentConfigFrom,
  standardsFrom,
  type AssessmentConfig,
  type Standards,
  type RankingRow,
  type Dimension,
} from './domain';

/** How analysts' tools read this service: its log port, topic, codec, rebuildable projections. */
export const sanitationAnalytics: ServiceAnalytics = {
  name: NAME,
  logPort: DEFAULTS.grpcPort,
  topic: DEFAULTS.topic,
  database: DEFAULTS.database,
  codec,
  // No personal data: facilities, contractors' work and inspections.
  redact: (e) => e,
  projections: () => [register, assessment],
};
