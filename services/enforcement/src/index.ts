// The enforcement service's public module (side-effect free: no server, no env reads). Analysts'
// tools and other services enter here by name (`@yiwang/enforcement`), never by deep paths.
import type { ServiceAnalytics } from '@yiwang/event-log';
import { enforcementEventCodec as codec } from './adapters/kafka/enforcement-event-codec';
import { caseViewProjection as caseView } from './application/projections/case-view';
import { ENFORCEMENT_DEFAULTS as DEFAULTS, SERVICE_NAME as NAME } from './defaults';
export { SERVICE_NAME, ENFORCEMENT_DEFAULTS } from './defaults';
export { enforcementEventCodec, ENFORCEMENT_EVENT_MESSAGES, ENFORCEMENT_EVENT_TYPES } from './adapters/kafka/enforcement-event-codec';
export {
  caseViewProjection,
  MODELS as ENFORCEMENT_MODELS,
  type CaseDoc,
  type DeadlineDoc,
  type PublicEntry,
  type PublicListDoc,
} from './application/projections/case-view';
export { EnforcementQueries, indicatorTable, type CaseView, type IndicatorTable } from './application/queries';
export { startEnforcementService, type EnforcementService, type EnforcementRuntime } from './service';
export { loadEnforcementConfig, type EnforcementConfig } from './config';
export {
  enforcementDecider,
  evolveCase,
  initialCaseState,
  runningDeadlines,
  nextDeadline,
  amountDue,
  surchargeFen,
  shippedPolicy,
  periodsOf,
  RANK_BY,
  INDICATOR_SCOPES,
  type RankedRow,
  enforcementPolicy,
  enforcementStreamId,
  type EnforcementEvent,
  type EnforcementEventType,
  type CaseState,
  type EnforcementPolicy,
} from './domain';

/** How analysts' tools read this service: its log port, topic, codec, rebuildable projections. */
export const enforcementAnalytics: ServiceAnalytics = {
  name: NAME,
  logPort: DEFAULTS.grpcPort,
  topic: DEFAULTS.topic,
  database: DEFAULTS.database,
  codec,
  // Parties' names, ID numbers and addresses are sealed before they are stored: never clear on Kafka.
  redact: (e) => e,
  projections: () => [caseView],
};
