import { ValidationError } from '@yiwang/kernel-core';
import {
  addWorkingTime,
  businessCalendar,
  isWorkingTime,
  workingDayLengthMs,
  workingTimeBetween,
  type WorkingDuration,
} from './business-calendar';
import { parseCalendarYear, parseWorkingHours } from './calendar-data';
import { toShanghaiIso } from './shanghai-time';

const cal = businessCalendar();
const at = (local: string): Date => new Date(`${local}+08:00`);
const add = (start: string, amount: number, unit: WorkingDuration['unit'] = 'working_hours'): string =>
  toShanghaiIso(addWorkingTime(cal, at(start), { amount, unit }).getTime());
const H = 3_600_000;

describe('addWorkingTime in working hours', () => {
  it.each([
    ['inside the morning', '2025-03-03T10:00:00', 1, '2025-03-03T11:00:00+08:00'],
    ['across the lunch break (12:00–13:30)', '2025-03-03T10:00:00', 4, '2025-03-03T15:30:00+08:00'],
    ['ending exactly at noon stays at noon', '2025-03-03T11:00:00', 1, '2025-03-03T12:00:00+08:00'],
    ['starting in the lunch break', '2025-03-03T12:30:00', 1, '2025-03-03T14:30:00+08:00'],
    ['starting before opening', '2025-03-03T07:00:00', 2, '2025-03-03T11:00:00+08:00'],
    ['starting after closing', '2025-03-03T19:00:00', 1, '2025-03-04T10:00:00+08:00'],
    ['ending exactly at closing stays at 18:00', '2025-03-03T17:00:00', 1, '2025-03-03T18:00:00+08:00'],
    ['over a weekend', '2025-03-07T17:00:00', 2, '2025-03-10T10:00:00+08:00'],
    ['starting on a Saturday', '2025-03-08T10:00:00', 1, '2025-03-10T10:00:00+08:00'],
    ['over National Day (国庆 1–8 Oct 2025)', '2025-09-30T17:00:00', 4, '2025-10-09T12:00:00+08:00'],
    ['into a make-up Sunday (调休 28 Sep 2025)', '2025-09-26T17:00:00', 2, '2025-09-28T10:00:00+08:00'],
    ['into a make-up Saturday (调休 11 Oct 2025)', '2025-10-10T17:00:00', 2, '2025-10-11T10:00:00+08:00'],
    ['over the Spring Festival (春节 28 Jan–4 Feb 2025)', '2025-01-27T17:00:00', 2, '2025-02-05T10:00:00+08:00'],
    ['over Labour Day (劳动节 1–5 May 2025)', '2025-04-30T17:30:00', 1, '2025-05-06T09:30:00+08:00'],
    ['into the 2026 Spring Festival make-up Saturday', '2026-02-13T17:00:00', 2, '2026-02-14T10:00:00+08:00'],
    ['over the year end into 2026 (元旦 1–3 Jan)', '2025-12-31T17:00:00', 2, '2026-01-04T10:00:00+08:00'],
    ['several days of hours', '2025-03-03T09:00:00', 15, '2025-03-04T18:00:00+08:00'],
    ['fractional hours', '2025-03-03T09:00:00', 0.5, '2025-03-03T09:30:00+08:00'],
  ])('%s', (_name, start, hours, expected) => {
    expect(add(start, hours)).toBe(expected);
  });

  it('treats a UTC instant as the same moment (02:00Z is 10:00 in Shanghai)', () => {
    expect(toShanghaiIso(addWorkingTime(cal, new Date('2025-03-03T02:00:00Z'), { amount: 1, unit: 'working_hours' }).getTime())).toBe(
      '2025-03-03T11:00:00+08:00',
    );
  });

  it('returns the start for a zero duration', () => {
    expect(add('2025-03-08T10:00:00', 0)).toBe('2025-03-08T10:00:00+08:00');
  });
});

describe('addWorkingTime in working days', () => {
  it.each([
    ['the start day is not counted', '2025-03-03T10:00:00', 1, '2025-03-04T18:00:00+08:00'],
    ['over a weekend', '2025-03-07T10:00:00', 1, '2025-03-10T18:00:00+08:00'],
    ['five working days (the 12345 reply limit)', '2025-03-07T10:00:00', 5, '2025-03-14T18:00:00+08:00'],
    ['over National Day', '2025-09-30T10:00:00', 2, '2025-10-10T18:00:00+08:00'],
    ['counting the make-up Saturday', '2025-10-09T10:00:00', 2, '2025-10-11T18:00:00+08:00'],
    ['from a holiday', '2025-10-03T10:00:00', 1, '2025-10-09T18:00:00+08:00'],
    ['twenty working days (demolition)', '2025-03-03T10:00:00', 20, '2025-03-31T18:00:00+08:00'],
  ])('%s', (_name, start, days, expected) => {
    expect(add(start, days, 'working_days')).toBe(expected);
  });
});

describe('isWorkingTime', () => {
  it.each([
    ['a weekday morning', '2025-03-03T09:00:00', true],
    ['one minute before noon', '2025-03-03T11:59:00', true],
    ['noon (periods are half-open)', '2025-03-03T12:00:00', false],
    ['the lunch break', '2025-03-03T12:30:00', false],
    ['13:30', '2025-03-03T13:30:00', true],
    ['18:00', '2025-03-03T18:00:00', false],
    ['before opening', '2025-03-03T08:59:00', false],
    ['a Saturday', '2025-03-08T10:00:00', false],
    ['a make-up Saturday', '2025-10-11T10:00:00', true],
    ['National Day on a Wednesday', '2025-10-01T10:00:00', false],
    ['the Dragon Boat Monday', '2025-06-02T10:00:00', false],
  ])('%s', (_name, when, expected) => {
    expect(isWorkingTime(cal, at(when))).toBe(expected);
  });
});

describe('workingTimeBetween', () => {
  it('counts only office hours', () => {
    expect(workingTimeBetween(cal, at('2025-03-03T10:00:00'), at('2025-03-03T15:00:00'))).toBe(3.5 * H);
    expect(workingTimeBetween(cal, at('2025-03-07T17:00:00'), at('2025-03-10T10:00:00'))).toBe(2 * H);
    expect(workingTimeBetween(cal, at('2025-09-30T00:00:00'), at('2025-10-09T00:00:00'))).toBe(7.5 * H);
  });

  it('is negative when the end comes first', () => {
    expect(workingTimeBetween(cal, at('2025-03-03T15:00:00'), at('2025-03-03T10:00:00'))).toBe(-3.5 * H);
  });

  it('is the inverse of addWorkingTime for hours', () => {
    for (const start of ['2025-03-03T10:17:00', '2025-09-30T16:00:00', '2025-01-27T11:45:00', '2025-10-10T08:00:00']) {
      for (const hours of [0.25, 1, 3, 7.5, 12, 40]) {
        const end = addWorkingTime(cal, at(start), { amount: hours, unit: 'working_hours' });
        expect(workingTimeBetween(cal, at(start), end)).toBe(hours * H);
      }
    }
  });

  it('knows the length of a working day', () => {
    expect(workingDayLengthMs(cal)).toBe(7.5 * H);
  });
});

describe('configuration and coverage', () => {
  it('refuses years without a holiday schedule', () => {
    expect(() => addWorkingTime(cal, at('2030-03-04T10:00:00'), { amount: 1, unit: 'working_hours' })).toThrow(ValidationError);
    expect(() => isWorkingTime(cal, at('2024-12-31T10:00:00'))).toThrow(/2024/);
  });

  it('refuses negative, non-finite and fractional-day durations', () => {
    for (const d of [
      { amount: -1, unit: 'working_hours' },
      { amount: Number.NaN, unit: 'working_hours' },
      { amount: 1.5, unit: 'working_days' },
      { amount: 1, unit: 'fortnights' },
    ]) {
      expect(() => addWorkingTime(cal, at('2025-03-03T10:00:00'), d as WorkingDuration)).toThrow(ValidationError);
    }
  });

  it('takes configurable working hours (08:30–12:00, 14:30–17:30 summer hours)', () => {
    const summer = businessCalendar(undefined, [
      { start: '14:30', end: '17:30' },
      { start: '08:30', end: '12:00' },
    ]);
    expect(toShanghaiIso(addWorkingTime(summer, at('2025-07-01T11:00:00'), { amount: 2, unit: 'working_hours' }).getTime())).toBe(
      '2025-07-01T15:30:00+08:00',
    );
    expect(isWorkingTime(summer, at('2025-07-01T14:00:00'))).toBe(false);
  });

  it('rejects malformed working hours and calendar data', () => {
    expect(() =>
      parseWorkingHours([
        { start: '09:00', end: '12:00' },
        { start: '11:00', end: '13:00' },
      ]),
    ).toThrow(ValidationError);
    expect(() => parseWorkingHours([{ start: '9am', end: '12:00' }])).toThrow(ValidationError);
    expect(() => parseWorkingHours([])).toThrow(ValidationError);
    expect(() =>
      parseCalendarYear({
        year: 2025,
        holidays: [{ name: { zh: 'x', en: 'x' }, from: '2025-02-30', to: '2025-03-01' }],
        makeUpWorkdays: [],
      }),
    ).toThrow(ValidationError);
    expect(() => parseCalendarYear({ year: 2025, holidays: [], makeUpWorkdays: [{ date: '2026-01-04' }] })).toThrow(ValidationError);
    expect(() => parseCalendarYear({ year: 'soon' })).toThrow(ValidationError);
  });
});
