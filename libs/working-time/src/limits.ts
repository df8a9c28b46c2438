import { ValidationError } from '@yiwang/kernel-core';
import { addWorkingTime, type BusinessCalendar, type WorkingDuration } from './calendar/business-calendar';
import { dayStartMs, localDayIndex } from './calendar/shanghai-time';

/**
 * A limit as rules write them: in working time (处置时限 in working hours, 行政处罚法 Art 85's
 * 2/3/5/7-day periods in working days), in clock hours (heating: measure within 24 h), or in
 * calendar days (the 90 days to decide, the 15 days to pay).
 */
export type TimeLimit = WorkingDuration | Readonly<{ amount: number; unit: 'clock_hours' | 'calendar_days' }>;

const HOUR_MS = 3_600_000;

/**
 * When a limit that starts at `start` runs out. Day periods do not count the start day
 * (期间开始之日不计算在内) and end at the close of the last day: working days at the end of office
 * hours, calendar days at local midnight.
 */
export function deadlineAfter(calendar: BusinessCalendar, start: Date, limit: TimeLimit): Date {
  if (!Number.isFinite(limit.amount) || limit.amount < 0) {
    throw new ValidationError('a time limit must be a non-negative number', [{ field: 'limit.amount', message: String(limit.amount) }]);
  }
  switch (limit.unit) {
    case 'working_hours':
    case 'working_days':
      return addWorkingTime(calendar, start, limit);
    case 'clock_hours':
      return new Date(start.getTime() + Math.round(limit.amount * HOUR_MS));
    case 'calendar_days':
      if (!Number.isInteger(limit.amount))
        throw new ValidationError('calendar days are whole days', [{ field: 'limit.amount', message: String(limit.amount) }]);
      return new Date(dayStartMs(localDayIndex(start.getTime()) + limit.amount + 1));
  }
}

/** Parses `"15 working_days"`, `"24 clock_hours"`, `"90 calendar_days"` (configuration files). */
export function parseTimeLimit(text: string): TimeLimit {
  const m = /^\s*(\d+(?:\.\d+)?)\s+(working_hours|working_days|clock_hours|calendar_days)\s*$/.exec(text);
  if (!m) throw new ValidationError(`not a time limit: "${text}" (expected e.g. "15 working_days")`, [{ field: 'limit', message: text }]);
  return { amount: Number(m[1]), unit: m[2] as TimeLimit['unit'] };
}
