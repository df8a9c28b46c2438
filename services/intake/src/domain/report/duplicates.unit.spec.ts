import { findDuplicateMaster, type OpenReport } from './duplicates';
import { reportCounters } from './report-counters';
import { filed, markedDuplicate, received, rejected, withContact, closedEvent } from './report-fixtures';

const here = { lat: 35.2305, lon: 113.2006 };
// ~0.0001° latitude ≈ 11 m
const north = (m: number) => ({ lat: here.lat + m / 111_195, lon: here.lon });
const open = (reportId: string, metres: number, receivedAt = '2025-03-03T09:00:00+08:00', category = 'event.01.02'): OpenReport => ({
  reportId,
  caseId: `case-${reportId}`,
  category,
  location: north(metres),
  receivedAt,
});
const probe = { channel: 'citizen' as const, category: 'event.01.02', location: here, receivedAt: '2025-03-03T10:00:00+08:00' };

describe('findDuplicateMaster', () => {
  it('picks the nearest open report of the same category within the distance', () => {
    expect(findDuplicateMaster(probe, [open('far', 45), open('near', 20), open('out', 80)])).toMatchObject({
      reportId: 'near',
      caseId: 'case-near',
    });
  });
  it('of equally near ones, the earliest', () => {
    const m = findDuplicateMaster(probe, [open('b', 20, '2025-03-03T09:30:00+08:00'), open('a', 20, '2025-03-03T08:00:00+08:00')]);
    expect(m?.reportId).toBe('a');
  });
  it('ignores other categories, reports outside the window, and later reports', () => {
    expect(
      findDuplicateMaster(probe, [
        open('other-category', 5, undefined, 'event.01.04'),
        open('too-old', 5, '2025-02-20T09:00:00+08:00'),
        open('from-the-future', 5, '2025-03-03T11:00:00+08:00'),
      ]),
    ).toBeNull();
  });
  it('distance and window are configurable, also per channel', () => {
    const policy = { maxDistanceMeters: 250, windowHours: 1, byChannel: { inspector: { maxDistanceMeters: 1000 } } };
    expect(findDuplicateMaster(probe, [open('x', 200, '2025-03-03T09:30:00+08:00')], policy)?.reportId).toBe('x');
    expect(findDuplicateMaster(probe, [open('x', 200, '2025-03-03T08:30:00+08:00')], policy)).toBeNull();
    expect(findDuplicateMaster(probe, [open('x', 600, '2025-03-03T09:30:00+08:00')], policy)).toBeNull();
    expect(findDuplicateMaster({ ...probe, channel: 'inspector' }, [open('x', 600, '2025-03-03T09:30:00+08:00')], policy)?.reportId).toBe(
      'x',
    );
  });
  it('reports the distance', () => {
    expect(findDuplicateMaster(probe, [open('x', 30)])?.distanceMeters).toBeCloseTo(30, 0);
  });
});

describe('reportCounters', () => {
  it('counts from events alone', () => {
    expect(reportCounters([received('inspector'), filed('rule'), closedEvent])).toMatchObject({
      channel: 'inspector',
      category: 'event.01.02',
      district: '解放区',
      counters: { received: 1, filed: 1, autoFiled: 1, rejected: 0, duplicate: 0, closed: 1 },
    });
    expect(reportCounters([withContact, rejected])?.counters).toMatchObject({ received: 1, filed: 0, rejected: 1 });
    expect(reportCounters([withContact, markedDuplicate])?.counters).toMatchObject({ received: 1, duplicate: 1 });
    expect(reportCounters([])).toBeNull();
  });
  it('places an off-grid report in the district it was filed in', () => {
    expect(reportCounters([received('citizen', { cell: null }), filed()])?.district).toBe('解放区');
  });
  it('replaying gives the same result', () => {
    const events = [received('inspector'), filed('rule'), closedEvent];
    expect(reportCounters(events)).toEqual(reportCounters(events));
  });
});
