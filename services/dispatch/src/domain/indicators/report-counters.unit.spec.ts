import { applyReportEvent, reportCountersAsOf, type ReportCounterRow } from './report-counters';

const cell = { cellId: '410802001001001', district: '解放区' };
const received = { reportId: 'R1', category: { code: 'event.01.02' }, cell: null, receivedAt: '2025-03-03T01:50:00.000Z' };
const apply = (events: Array<[string, unknown]>): ReportCounterRow | null =>
  events.reduce<ReportCounterRow | null>((row, [type, data], i) => applyReportEvent(row, type, data, i + 1), null);

describe('applyReportEvent', () => {
  it('a received report filed later counts once, in the filed district', () => {
    const row = apply([
      ['intake.report.received.v1', received],
      ['intake.report.filed.v1', { reportId: 'R1', by: 'centre', cell, filedAt: new Date() }],
    ]);
    expect(row).toMatchObject({
      district: '解放区',
      category: 'event.01.02',
      receivedAt: received.receivedAt,
      version: 2,
      counters: { received: 1, filed: 1, autoFiled: 0, rejected: 0 },
    });
  });
  it('rejections and duplicates; a replayed event changes nothing', () => {
    const rejected = apply([
      ['intake.report.received.v1', received],
      ['intake.report.rejected.v1', { reportId: 'R1' }],
    ]);
    expect(rejected?.counters).toMatchObject({ received: 1, filed: 0, rejected: 1 });
    expect(applyReportEvent(rejected, 'intake.report.filed.v1', { cell }, 2)).toBe(rejected);
    expect(
      apply([
        ['intake.report.received.v1', received],
        ['intake.report.marked_duplicate.v1', {}],
      ])?.counters.duplicate,
    ).toBe(1);
  });
  it('a decision without its reception starts no row, except a filing (counted as received then)', () => {
    expect(applyReportEvent(null, 'intake.report.rejected.v1', { reportId: 'R1' }, 2)).toBeNull();
    expect(
      applyReportEvent(null, 'intake.report.filed.v1', { reportId: 'R1', by: 'rule', cell, filedAt: '2025-03-03T02:00:00Z' }, 2),
    ).toMatchObject({
      receivedAt: '2025-03-03T02:00:00Z',
      counters: { received: 1, filed: 1, autoFiled: 1 },
    });
  });
  it('as of a moment: a filing after it does not count; a rejection counts until a later filing', () => {
    const at = (iso: string) => Date.parse(iso);
    const row = apply([
      ['intake.report.received.v1', received],
      ['intake.report.rejected.v1', { reportId: 'R1', rejectedAt: '2025-03-03T02:00:00Z' }],
      ['intake.report.filed.v1', { reportId: 'R1', by: 'rule', cell, filedAt: '2025-03-10T02:00:00Z' }],
    ])!;
    expect(reportCountersAsOf(row, at('2025-03-03T01:55:00Z'))).toEqual({ received: 1, filed: 0, autoFiled: 0, rejected: 0, duplicate: 0 });
    expect(reportCountersAsOf(row, at('2025-03-09T16:00:00Z'))).toEqual({ received: 1, filed: 0, autoFiled: 0, rejected: 1, duplicate: 0 });
    expect(reportCountersAsOf(row, at('2025-03-10T02:00:00Z'))).toEqual({ received: 1, filed: 1, autoFiled: 1, rejected: 0, duplicate: 0 });
  });
  it('a row stored before decisions kept their instants counts as it was', () => {
    const legacy: ReportCounterRow = {
      reportId: 'R9',
      district: null,
      category: 'event.01.02',
      receivedAt: received.receivedAt,
      version: 2,
      counters: { received: 1, filed: 1, autoFiled: 0, rejected: 0, duplicate: 0 },
    };
    expect(reportCountersAsOf(legacy, 0)).toEqual(legacy.counters);
    expect(applyReportEvent(legacy, 'intake.report.marked_duplicate.v1', { markedAt: '2025-03-04T00:00:00Z' }, 3)?.since).toMatchObject({
      filed: Date.parse(received.receivedAt),
    });
  });
});
