/**
 * @yiwang/dispatch — the public module: what other packages (the analysts' tool, system tests,
 * benches) may use. Importing it starts nothing and reads no environment; `main.ts` is the process.
 */
import type { ServiceAnalytics } from '@yiwang/event-log';
import { caseEventCodec } from './adapters/kafka/case-event-codec';
import { caseIndicatorsProjection } from './application/projections/case-indicators';
import { caseListsProjection } from './application/projections/case-lists';
import { DISPATCH_DEFAULTS } from './public-defaults';
import { SERVICE_NAME } from './service';

export { DISPATCH_DEFAULTS } from './public-defaults';
export { SERVICE_NAME, startDispatchService, type DispatchService, type DispatchRuntime } from './service';
export { loadDispatchConfig, type DispatchConfig } from './config';

// Events and the pure rules analysts replay them with.
export { caseEventCodec } from './adapters/kafka/case-event-codec';
export { caseEventMapping } from './application/case-service';
export { caseIdForReport } from './application/case-ids';
export {
  applyReportEvent,
  caseCounters,
  caseDecider,
  caseRow,
  caseRowAsOf,
  caseTimeline,
  formatRate,
  INTAKE_REPORT_EVENT_TYPES,
  shippedIndicatorConfig,
  shippedResponsibilityMatrix,
  type CaseEvent,
  type CaseRow,
  type CaseState,
  type CaseTimeline,
  type CounterRow,
  type ReportCounterRow,
} from './domain';

// Projections and the queries over their read models.
export { caseListsProjection, CASE_EVENT_TYPES } from './application/projections/case-lists';
export {
  caseIndicatorsProjection,
  weekKey,
  weekStartDay,
  type StoredCounterRow,
  type WeekDoc,
} from './application/projections/case-indicators';
export { countersAsOf, storedReportRow } from './application/projections/case-indicators';
export {
  IndicatorQueries,
  type Dimension,
  type IndicatorQueryDeps,
  type IndicatorRow,
  type WeekSource,
} from './application/indicator-queries';
// The JSON mapping of GetIndicators / GetRanking, so replayed tables print as the live API answers.
export { toIndicatorRow, toIndicatorValues, toRankingResponse } from './adapters/grpc/proto-mapping';

export const dispatchAnalytics: ServiceAnalytics = {
  name: SERVICE_NAME,
  logPort: DISPATCH_DEFAULTS.grpcPort,
  topic: DISPATCH_DEFAULTS.topic,
  database: DISPATCH_DEFAULTS.database,
  codec: caseEventCodec,
  redact: (e) => e,
  projections: (store) => [caseListsProjection, caseIndicatorsProjection(store)],
};
