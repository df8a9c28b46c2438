import { ValidationError } from '@yiwang/kernel-core';
import {
  type CalendarYear,
  DEFAULT_WORKING_HOURS,
  SHIPPED_CALENDAR_YEARS,
  type WorkingHoursConfig,
  type WorkingPeriod,
  parseWorkingHours,
} from './calendar-data';
import { dayOfIsoDate, isoDateOf, localDayIndex, localMinuteToMs, weekdayOf } from './shanghai-time';

/**
 * The business calendar (工作日历) that deadlines (处置时限) are measured in: Asia/Shanghai,
 * Monday–Friday plus make-up working days (调休上班), minus public holidays, within office hours.
 *
 * Years without data are refused rather than guessed: a deadline that silently ignores a Spring
 * Festival is worse than a loud error asking for next year's schedule.
 */
export type BusinessCalendar = Readonly<{
  years: ReadonlySet<number>;
  holidays: ReadonlyMap<string, string>;
  makeUpWorkdays: ReadonlySet<string>;
  periods: readonly WorkingPeriod[];
}>;

/** A duration in working time, as category deadlines are written. */
export type WorkingDuration = Readonly<{ amount: number; unit: 'working_hours' | 'working_days' }>;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** A guard against endless loops on absurd input: ten years of days. */
const MAX_DAYS = 3660;

export function businessCalendar(
  years: readonly CalendarYear[] = SHIPPED_CALENDAR_YEARS,
  workingHours: WorkingHoursConfig = DEFAULT_WORKING_HOURS,
): BusinessCalendar {
  const holidays = new Map<string, string>();
  const makeUps = new Set<string>();
  for (const y of years) {
    for (const h of y.holidays) {
      for (let d = dayOfIsoDate(h.from); d <= dayOfIsoDate(h.to); d++) holidays.set(isoDateOf(d), h.name.zh);
    }
    for (const m of y.makeUpWorkdays) makeUps.add(m.date);
  }
  return { years: new Set(years.map((y) => y.year)), holidays, makeUpWorkdays: makeUps, periods: parseWorkingHours(workingHours) };
}

/** Is this local day (see shanghai-time) a working day? */
export function isWorkingDay(calendar: BusinessCalendar, day: number): boolean {
  const date = isoDateOf(day);
  const year = Number(date.slice(0, 4));
  if (!calendar.years.has(year)) {
    throw new ValidationError(`the business calendar has no holiday schedule for ${year}`, [
      { field: 'calendar', message: `add data/calendar/${year}.json` },
    ]);
  }
  if (calendar.holidays.has(date)) return false;
  if (calendar.makeUpWorkdays.has(date)) return true;
  const weekday = weekdayOf(day);
  return weekday >= 1 && weekday <= 5;
}

/** Is the instant inside office hours on a working day? Periods are `[start, end)`. */
export function isWorkingTime(calendar: BusinessCalendar, at: Date): boolean {
  const ms = at.getTime();
  const day = localDayIndex(ms);
  if (!isWorkingDay(calendar, day)) return false;
  return calendar.periods.some((p) => ms >= localMinuteToMs(day, p.start) && ms < localMinuteToMs(day, p.end));
}

function checkDuration(d: WorkingDuration): void {
  const ok =
    Number.isFinite(d.amount) && d.amount >= 0 && (d.unit === 'working_hours' || (d.unit === 'working_days' && Number.isInteger(d.amount)));
  if (!ok) {
    throw new ValidationError('a working duration needs a non-negative amount (whole days for working_days)', [
      { field: 'duration', message: JSON.stringify(d) },
    ]);
  }
}

/**
 * The deadline `duration` of working time after `start`.
 *
 * - `working_hours`: office time is consumed period by period; a start outside hours begins at
 *   the next opening, and a deadline that lands exactly on a closing time stays there (18:00,
 *   not the next morning).
 * - `working_days`: as administrative rules count periods (期间开始之日不计算在内), the start day
 *   is not counted; the deadline is the close of the N-th following working day.
 */
export function addWorkingTime(calendar: BusinessCalendar, start: Date, duration: WorkingDuration): Date {
  checkDuration(duration);
  const startMs = start.getTime();
  if (duration.amount === 0) return new Date(startMs);
  const first = localDayIndex(startMs);
  const lastPeriod = calendar.periods[calendar.periods.length - 1];
  if (duration.unit === 'working_days') {
    let found = 0;
    for (let day = first + 1; day <= first + MAX_DAYS; day++) {
      if (isWorkingDay(calendar, day) && ++found === duration.amount) return new Date(localMinuteToMs(day, lastPeriod?.end ?? 0));
    }
  } else {
    let remaining = Math.round(duration.amount * HOUR_MS);
    for (let day = first; day <= first + MAX_DAYS; day++) {
      if (!isWorkingDay(calendar, day)) continue;
      for (const p of calendar.periods) {
        const from = Math.max(startMs, localMinuteToMs(day, p.start));
        const to = localMinuteToMs(day, p.end);
        if (from >= to) continue;
        if (remaining <= to - from) return new Date(from + remaining);
        remaining -= to - from;
      }
    }
  }
  throw new ValidationError('the deadline lies beyond the range of the business calendar', [
    { field: 'duration', message: JSON.stringify(duration) },
  ]);
}

/**
 * Working time between two instants in milliseconds; negative when `to` is before `from`.
 * Used for "how late" and "how long it took", both in office time.
 */
export function workingTimeBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b < a) return -workingTimeBetween(calendar, to, from);
  let total = 0;
  const lastDay = localDayIndex(b);
  if (lastDay - localDayIndex(a) > MAX_DAYS) throw new ValidationError('interval too long for the business calendar', []);
  for (let day = localDayIndex(a); day <= lastDay; day++) {
    if (!isWorkingDay(calendar, day)) continue;
    for (const p of calendar.periods) {
      const s = Math.max(a, localMinuteToMs(day, p.start));
      const e = Math.min(b, localMinuteToMs(day, p.end));
      if (e > s) total += e - s;
    }
  }
  return total;
}

/** Length of one working day, e.g. 7.5 h for the default hours. */
export const workingDayLengthMs = (calendar: BusinessCalendar): number =>
  calendar.periods.reduce((sum, p) => sum + (p.end - p.start) * MINUTE_MS, 0);

/** The name of the holiday on a local date, if any (for UIs and error messages). */
export const holidayOn = (calendar: BusinessCalendar, isoDate: string): string | undefined => calendar.holidays.get(isoDate);
