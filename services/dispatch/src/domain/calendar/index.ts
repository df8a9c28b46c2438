export * from './business-calendar';
export * from './calendar-data';
export { toShanghaiIso, localDayIndex, isoDateOf } from './shanghai-time';
