import { ValidationError } from '@yiwang/kernel-core';
import { dayOfIsoDate, isoDateOf } from './shanghai-time';
import year2025 from '../../data/calendar/2025.json';
import year2026 from '../../data/calendar/2026.json';
import year2027 from '../../data/calendar/2027.json';

/**
 * A year of the official holiday schedule (放假安排) as published by the State Council each
 * November: holiday ranges, and the weekend days that become working days (调休上班).
 */
export type CalendarYear = Readonly<{
  year: number;
  holidays: ReadonlyArray<Readonly<{ name: Readonly<{ zh: string; en: string }>; from: string; to: string }>>;
  makeUpWorkdays: ReadonlyArray<Readonly<{ date: string; for: string }>>;
}>;

/** A working period of the day in local minutes since midnight, `[start, end)`. */
export type WorkingPeriod = Readonly<{ start: number; end: number }>;

export type WorkingHoursConfig = ReadonlyArray<Readonly<{ start: string; end: string }>>;

/** 09:00–12:00 and 13:30–18:00: the usual office hours of a Chinese bureau (7.5 h a day). */
export const DEFAULT_WORKING_HOURS: WorkingHoursConfig = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function bad(field: string, message: string): never {
  throw new ValidationError(`invalid business calendar: ${field} ${message}`, [{ field, message }]);
}

function date(value: unknown, field: string, year: number): string {
  if (typeof value !== 'string' || !DATE.test(value) || isoDateOf(dayOfIsoDate(value)) !== value) bad(field, 'is not a YYYY-MM-DD date');
  if (!value.startsWith(`${year}-`)) bad(field, `is not in ${year}`);
  return value;
}

/** Validates one year's data as loaded from JSON (shipped or edited by a city). */
export function parseCalendarYear(raw: unknown): CalendarYear {
  const o = (raw ?? {}) as Record<string, unknown>;
  const year = o['year'];
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2100) bad('year', 'must be an integer year');
  const holidays = Array.isArray(o['holidays']) ? o['holidays'] : bad('holidays', 'must be a list');
  const makeUps = Array.isArray(o['makeUpWorkdays']) ? o['makeUpWorkdays'] : bad('makeUpWorkdays', 'must be a list');
  return {
    year,
    holidays: holidays.map((h: Record<string, unknown>, i) => {
      const name = (h['name'] ?? {}) as Record<string, unknown>;
      if (typeof name['zh'] !== 'string' || typeof name['en'] !== 'string') bad(`holidays[${i}].name`, 'needs zh and en');
      const from = date(h['from'], `holidays[${i}].from`, year);
      const to = date(h['to'], `holidays[${i}].to`, year);
      if (to < from) bad(`holidays[${i}]`, 'ends before it starts');
      return { name: { zh: name['zh'], en: name['en'] }, from, to };
    }),
    makeUpWorkdays: makeUps.map((m: Record<string, unknown>, i) => ({
      date: date(m['date'], `makeUpWorkdays[${i}].date`, year),
      for: typeof m['for'] === 'string' ? m['for'] : '',
    })),
  };
}

/** Parses `HH:MM` ranges into sorted, non-overlapping minute periods. */
export function parseWorkingHours(config: WorkingHoursConfig): readonly WorkingPeriod[] {
  const minutes = (s: string, field: string): number => {
    if (!HHMM.test(s)) bad(field, 'must be HH:MM');
    const [h, m] = s.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  const periods = config.map((p, i) => ({
    start: minutes(p.start, `workingHours[${i}].start`),
    end: minutes(p.end, `workingHours[${i}].end`),
  }));
  if (periods.length === 0) bad('workingHours', 'needs at least one period');
  periods.sort((a, b) => a.start - b.start);
  periods.forEach((p, i) => {
    if (p.end <= p.start) bad(`workingHours[${i}]`, 'ends before it starts');
    const next = periods[i + 1];
    if (next && next.start < p.end) bad(`workingHours[${i}]`, 'overlaps the next period');
  });
  return periods;
}

/** The shipped years (2025, 2026). */
export const SHIPPED_CALENDAR_YEARS: readonly CalendarYear[] = [
  parseCalendarYear(year2025),
  parseCalendarYear(year2026),
  parseCalendarYear(year2027),
];
