import { invalid } from '../shared/values';

/**
 * A tidal space (潮汐车位) may be parked in during its windows only, e.g. weekday nights beside a
 * school or a market. Weekdays are ISO (1 = Monday … 7 = Sunday); times are local HH:MM, and a
 * window whose end is before its start runs past midnight.
 */
export type TidalWindow = Readonly<{ weekdays: readonly number[]; from: string; to: string }>;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function tidalWindows(value: readonly TidalWindow[], field = 'windows'): readonly TidalWindow[] {
  if (value.length === 0 || value.length > 14) invalid(field, 'a tidal space needs 1–14 windows');
  value.forEach((w, i) => {
    if (w.weekdays.length === 0 || w.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
      invalid(`${field}[${i}].weekdays`, 'must be ISO weekdays 1–7');
    if (!HHMM.test(w.from) || !HHMM.test(w.to) || w.from === w.to) invalid(`${field}[${i}]`, 'from/to must be distinct HH:MM times');
  });
  return value;
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Local ISO weekday (1–7) and minute of day in Asia/Shanghai. */
export function shanghaiWeekdayMinute(ms: number): { weekday: number; minute: number } {
  const local = new Date(ms + SHANGHAI_OFFSET_MS);
  const day = local.getUTCDay();
  return { weekday: day === 0 ? 7 : day, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** Is parking allowed in a tidal space at this instant? */
export function insideTidalWindow(windows: readonly TidalWindow[], ms: number): boolean {
  const { weekday, minute } = shanghaiWeekdayMinute(ms);
  const previous = weekday === 1 ? 7 : weekday - 1;
  return windows.some((w) => {
    const from = minutes(w.from);
    const to = minutes(w.to);
    if (from < to) return w.weekdays.includes(weekday) && minute >= from && minute < to;
    // Past midnight: the evening part belongs to its weekday, the morning part to the day before.
    return (w.weekdays.includes(weekday) && minute >= from) || (w.weekdays.includes(previous) && minute < to);
  });
}

/** Is this local minute inside the night hours (e.g. 22:00–06:00)? */
export function atNight(night: Readonly<{ from: string; to: string }>, ms: number): boolean {
  const { minute } = shanghaiWeekdayMinute(ms);
  const from = minutes(night.from);
  const to = minutes(night.to);
  return from > to ? minute >= from || minute < to : minute >= from && minute < to;
}
