export * from './business-calendar';
export * from './calendar-data';
export {
  toShanghaiIso,
  localDayIndex,
  isoDateOf,
  dayStartMs,
  dayOfIsoDate,
  SHANGHAI_OFFSET_MS,
  DAY_MS,
  weekStartDay,
} from './shanghai-time';
