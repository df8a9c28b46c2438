// The enforcement service's public module (side-effect free: no server, no env reads). Analysts'
// tools and other services enter here by name (`@yiwang/enforcement`), never by deep paths.
export { SERVICE_NAME, ENFORCEMENT_DEFAULTS } from './defaults';
export { enforcementEventCodec, ENFORCEMENT_EVENT_MESSAGES, ENFORCEMENT_EVENT_TYPES } from './adapters/kafka/enforcement-event-codec';
export { caseViewProjection, MODELS as ENFORCEMENT_MODELS, type CaseDoc, type DeadlineDoc, type PublicEntry, type PublicListDoc } from './application/projections/case-view';
export { EnforcementQueries, type CaseView } from './application/queries';
export {
  enforcementDecider,
  evolveCase,
  initialCaseState,
  runningDeadlines,
  nextDeadline,
  amountDue,
  surchargeFen,
  shippedPolicy,
  enforcementPolicy,
  enforcementStreamId,
  type EnforcementEvent,
  type EnforcementEventType,
  type CaseState,
  type EnforcementPolicy,
} from './domain';
