/**
 * @yiwang/heating — the heating service's public module (side-effect free: no server, no env reads).
 * Analysts' tools learn heating from here: its event codec, its projections and read-model types,
 * the refund formulas and the shipped city configurations.
 */
import type { ServiceAnalytics } from '@yiwang/event-log';
import { redactComplaintContact } from './adapters/grpc/event-log-personal-data';
import { heatingEventCodec as codec } from './adapters/kafka/heating-event-codec';
import { heatingViewsProjection as views } from './application/projections/complaint-views';
import { seasonKey, shippedCityConfig } from './domain';
import { HEATING_DEFAULTS as DEFAULTS, SERVICE_NAME as NAME } from './public-module';

export { SERVICE_NAME, HEATING_DEFAULTS } from './public-module';
export { startHeatingService, type HeatingService, type HeatingRuntime } from './service';
export { loadHeatingConfig, type HeatingConfig } from './config';
export { heatingEventCodec, HEATING_MESSAGES } from './adapters/kafka/heating-event-codec';
export {
  heatingViewsProjection,
  summarize,
  MODELS as HEATING_MODELS,
  type ComplaintDoc,
  type ComplaintSummary,
  type DeadlineDoc,
} from './application/projections/complaint-views';
export { rankCompanies, weekOf, weekDocId, type CompanyWeekDoc, type RankingRow } from './application/projections/company-week';
export {
  countEvent,
  emptySeason,
  seasonDocId,
  type CompanySeasonDoc,
  type HouseholdRefundLine,
} from './application/projections/company-season';
export {
  BEIJING_RULE,
  HARBIN_RULE,
  refundCents,
  refundPercent,
  substandardDays,
  shippedCityConfig,
  seasonKey,
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

/** How analysts' tools read this service: its log port, topic, codec, rebuildable projections (the shipped default city's season). */
export const heatingAnalytics: ServiceAnalytics = {
  name: NAME,
  logPort: DEFAULTS.grpcPort,
  topic: DEFAULTS.topic,
  database: DEFAULTS.database,
  codec,
  redact: redactComplaintContact,
  projections: () => [views(seasonKey(shippedCityConfig('jiaozuo')))],
};
