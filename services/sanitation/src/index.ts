// The sanitation service's public module: side-effect free (no server start, no env reads), for
// the analysts' tool, the demo and other services. main.ts is the process entry.
export { SERVICE_NAME, SANITATION_DEFAULTS } from './defaults';
export { sanitationEventCodec, SANITATION_EVENT_MESSAGES, SANITATION_EVENT_TYPES, type SanitationEventType } from './adapters/kafka/sanitation-event-codec';
export { registerProjection, MODELS as REGISTER_MODELS, type FacilityDoc, type DeviceDoc } from './application/projections/register';
export { assessmentProjection, ASSESSMENT_MODELS, periodKey, type PeriodDoc, type InspectionDoc } from './application/projections/assessment';
export { SanitationQueries, type Ranking } from './application/queries';
export {
  facilityTotals, rankingTable, scoreOf, passRate, shippedAssessmentConfig, shippedStandards, assessmentConfigFrom, standardsFrom,
  type AssessmentConfig, type Standards, type RankingRow, type Dimension,
} from './domain';
