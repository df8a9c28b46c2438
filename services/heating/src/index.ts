/**
 * @yiwang/heating — the heating service's public module (side-effect free: no server, no env reads).
 * Analysts' tools learn heating from here: its event codec, its projections and read-model types,
 * the refund formulas and the shipped city configurations.
 */
export { SERVICE_NAME, HEATING_DEFAULTS } from './public-module';
export { heatingEventCodec, HEATING_MESSAGES } from './adapters/kafka/heating-event-codec';
export { heatingViewsProjection, summarize, MODELS as HEATING_MODELS, type ComplaintDoc, type ComplaintSummary, type DeadlineDoc } from './application/projections/complaint-views';
export { countEvent, emptySeason, seasonDocId, type CompanySeasonDoc, type HouseholdRefundLine } from './application/projections/company-season';
export {
  BEIJING_RULE,
  HARBIN_RULE,
  refundCents,
  refundPercent,
  substandardDays,
  shippedCityConfig,
  SHIPPED_CITIES,
  COMPLAINT_EVENT_TYPES,
  POINT_EVENT_TYPES,
  complaintStreamId,
  pointStreamId,
  type CityConfig,
  type RefundRule,
  type ComplaintEvent,
  type PointEvent,
} from './domain';
