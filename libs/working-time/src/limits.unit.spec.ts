import { businessCalendar } from './calendar';
import { deadlineAfter, parseTimeLimit } from './limits';

const calendar = businessCalendar();
const at = (iso: string): Date => new Date(iso);

describe('deadlineAfter', () => {
  it('clock hours run through nights and holidays', () => {
    expect(deadlineAfter(calendar, at('2026-10-01T10:00:00+08:00'), { amount: 24, unit: 'clock_hours' }).toISOString()).toBe(
      '2026-10-02T02:00:00.000Z',
    );
  });

  it('calendar days do not count the start day and end at local midnight', () => {
    // 15 days to pay from 2026-11-02 (Mon): the last day is 11-17, so the limit ends at 11-18 00:00 local.
    expect(deadlineAfter(calendar, at('2026-11-02T15:30:00+08:00'), { amount: 15, unit: 'calendar_days' }).toISOString()).toBe(
      '2026-11-17T16:00:00.000Z',
    );
  });

  it('working days skip the National Day holiday (行政处罚法 Art 85)', () => {
    const d = deadlineAfter(calendar, at('2026-09-30T09:00:00+08:00'), { amount: 5, unit: 'working_days' });
    expect(d.getTime()).toBeGreaterThan(at('2026-10-08T00:00:00+08:00').getTime());
  });

  it('refuses negative and fractional-day limits', () => {
    expect(() => deadlineAfter(calendar, at('2026-11-02T09:00:00+08:00'), { amount: -1, unit: 'clock_hours' })).toThrow('non-negative');
    expect(() => deadlineAfter(calendar, at('2026-11-02T09:00:00+08:00'), { amount: 1.5, unit: 'calendar_days' })).toThrow('whole days');
  });
});

describe('parseTimeLimit', () => {
  it('reads configuration text', () => {
    expect(parseTimeLimit('15 working_days')).toEqual({ amount: 15, unit: 'working_days' });
    expect(parseTimeLimit(' 24 clock_hours ')).toEqual({ amount: 24, unit: 'clock_hours' });
    expect(() => parseTimeLimit('fifteen days')).toThrow('not a time limit');
  });
});
