/**
 * Asia/Shanghai wall-clock arithmetic without a time-zone library: China has used UTC+8 all year
 * since 1991 (no daylight saving), so a fixed offset is exact for every date this system handles.
 * A "day index" counts local days since 1970-01-01 (local), which makes day stepping trivial.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The local (Shanghai) day an instant falls on. */
export const localDayIndex = (ms: number): number => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);

/** The instant of local midnight starting the given day. */
export const dayStartMs = (day: number): number => day * DAY_MS - SHANGHAI_OFFSET_MS;

/** `YYYY-MM-DD` of a local day. The shifted Date is read with UTC getters only. */
export const isoDateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** 0 = Sunday … 6 = Saturday, local. */
export const weekdayOf = (day: number): number => new Date(day * DAY_MS).getUTCDay();

/** The local day of a `YYYY-MM-DD` date. */
export const dayOfIsoDate = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/** The instant at local `minuteOfDay` on `day`. */
export const localMinuteToMs = (day: number, minuteOfDay: number): number => dayStartMs(day) + minuteOfDay * MINUTE_MS;

/** Formats an instant as Shanghai local time with its offset, e.g. `2025-10-09T09:00:00+08:00`. */
export function toShanghaiIso(ms: number): string {
  return `${new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The local day of the Monday starting the week an instant falls in (weeks run Monday 00:00 to Monday 00:00, Shanghai). */
export function weekStartDay(ms: number): number {
  const day = localDayIndex(ms);
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  return day - ((weekday + 6) % 7);
}
