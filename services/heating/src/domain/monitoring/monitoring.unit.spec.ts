import { deciderSpec, ForbiddenError, IllegalStateError } from '@yiwang/kernel-core';
import { newTrack, offlineDueMs, silentPoints, trackReadings, type Reading } from './point-track';
import { pointDecider, type PointEvent } from './point-decider';
import { type Actor } from '../shared/actor';

const RULE = { belowHours: 3, recoverHours: 1, offlineHours: 2, maxGapMinutes: 60 };
const T0 = Date.parse('2026-12-01T00:00:00+08:00');
const MIN = 60_000;
const always = () => true;
/** Readings every 10 minutes from `startMin`, one per temperature (tenths). */
const every10 = (startMin: number, decis: readonly number[]): Reading[] =>
  decis.map((deci, i) => ({ atMs: T0 + (startMin + i * 10) * MIN, deci }));
const repeat = (deci: number, n: number) => Array.from({ length: n }, () => deci);

describe('the monitoring rule (室温监测): below 18 ℃ for ≥ 3 h in season', () => {
  it('raises one finding after 3 h below — not at 2 h 50', () => {
    const almost = trackReadings(newTrack(), every10(0, repeat(175, 18)), RULE, 180, always); // 0:00 … 2:50
    expect(almost.signals).toEqual([]);
    const raised = trackReadings(almost.track, every10(180, [172]), RULE, 180, always); // 3:00
    expect(raised.signals).toEqual([{ kind: 'raise', sinceMs: T0, atMs: T0 + 180 * MIN, lowestDeci: 172 }]);
  });
  it('18.0 ℃ is not below; one reading at 18.0 breaks the run', () => {
    expect(trackReadings(newTrack(), every10(0, repeat(180, 30)), RULE, 180, always).signals).toEqual([]);
    const broken = [...repeat(175, 10), 180, ...repeat(175, 10)];
    expect(trackReadings(newTrack(), every10(0, broken), RULE, 180, always).signals).toEqual([]);
  });
  it('no alarm storm: a point staying cold raises once; back above for 1 h closes it', () => {
    const cold = trackReadings(newTrack(), every10(0, repeat(170, 60)), RULE, 180, always);
    expect(cold.signals.map((s) => s.kind)).toEqual(['raise']);
    const warm = trackReadings(cold.track, every10(600, repeat(185, 7)), RULE, 180, always);
    expect(warm.signals).toEqual([{ kind: 'recover', sinceMs: T0 + 600 * MIN, atMs: T0 + 660 * MIN }]);
  });
  it('a batch sent twice raises nothing twice (readings not newer than the last are skipped)', () => {
    const batch = every10(0, repeat(170, 19));
    const first = trackReadings(newTrack(), batch, RULE, 180, always);
    expect(first.signals).toHaveLength(1);
    expect(trackReadings(first.track, batch, RULE, 180, always)).toEqual({ track: first.track, signals: [] });
  });
  it('a gap longer than an hour breaks the run; out of season nothing is raised', () => {
    const gapped = [...every10(0, repeat(170, 10)), ...every10(200, repeat(170, 10))];
    expect(trackReadings(newTrack(), gapped, RULE, 180, always).signals).toEqual([]);
    expect(trackReadings(newTrack(), every10(0, repeat(150, 40)), RULE, 180, () => false).signals).toEqual([]);
  });
});

describe('the monitoring point aggregate: one finding at a time', () => {
  const spec = deciderSpec(pointDecider);
  const system: Actor = { subject: 'monitoring-rules', department: 'system.heating', roles: ['system'] };
  const raise = {
    type: 'RaiseFinding' as const,
    actor: system,
    data: {
      pointId: 'jz-hongxing-mp7',
      householdId: 'jz-hongxing:mp-1-7',
      companyId: 'dept.heating.zhongzhou',
      belowSince: '2026-12-01T00:00:00.000Z',
      lowestDeci: 172,
      at: '2026-12-01T03:00:00.000Z',
    },
  };
  const raised: PointEvent = {
    type: 'heating.point.finding_raised.v1',
    data: {
      pointId: 'jz-hongxing-mp7',
      findingId: 'jz-hongxing-mp7-1',
      complaintId: 'MON-jz-hongxing-mp7-1',
      householdId: 'jz-hongxing:mp-1-7',
      companyId: 'dept.heating.zhongzhou',
      belowSince: '2026-12-01T00:00:00.000Z' as never,
      lowestDeci: 172,
      raisedAt: '2026-12-01T03:00:00.000Z' as never,
    },
  };
  const close = {
    type: 'CloseFinding' as const,
    actor: system,
    data: { aboveSince: '2026-12-01T08:00:00.000Z', at: '2026-12-01T09:00:00.000Z' },
  };
  const closed: PointEvent = {
    type: 'heating.point.finding_closed.v1',
    data: {
      pointId: 'jz-hongxing-mp7',
      findingId: 'jz-hongxing-mp7-1',
      aboveSince: '2026-12-01T08:00:00.000Z' as never,
      closedAt: '2026-12-01T09:00:00.000Z' as never,
    },
  };

  it('raises a finding that names the complaint it opens', () => spec.given([]).when(raise).then([raised]));
  it('a second finding while one is open is refused', () => spec.given([raised]).when(raise).thenThrows(IllegalStateError));
  it('closes the open finding; the next one is numbered on', () => {
    spec.given([raised]).when(close).then([closed]);
    spec
      .given([raised, closed])
      .when(raise)
      .then([{ ...raised, data: { ...raised.data, findingId: 'jz-hongxing-mp7-2', complaintId: 'MON-jz-hongxing-mp7-2' } } as PointEvent]);
    spec.given([raised, closed]).when(close).thenThrows(IllegalStateError);
  });
  it('only the system raises findings', () =>
    spec
      .given([])
      .when({ ...raise, actor: { ...system, roles: ['heating.gateway'] } })
      .thenThrows(ForbiddenError));
});

describe('device offline (设备离线): silent for more than offlineHours', () => {
  const seen = trackReadings(newTrack(), every10(0, [190]), RULE, 180, always).track; // last reading at 0:00
  it('is silent only after *more* than 2 h: 2 h 00 is not, 2 h 00 + 1 ms is', () => {
    expect(silentPoints({ p1: seen }, T0 + 120 * MIN, RULE)).toEqual([]);
    expect(silentPoints({ p1: seen }, T0 + 120 * MIN + 1, RULE)).toEqual(['p1']);
    expect(offlineDueMs([seen], RULE)).toBe(T0 + 120 * MIN + 1);
  });
  it('the due time is the earliest of the points still online; none for offline or never-seen points', () => {
    const later = trackReadings(newTrack(), every10(30, [190]), RULE, 180, always).track;
    expect(offlineDueMs([later, seen], RULE)).toBe(T0 + 120 * MIN + 1);
    expect(offlineDueMs([{ ...seen, offline: true }, later], RULE)).toBe(T0 + 150 * MIN + 1);
    expect(offlineDueMs([{ ...seen, offline: true }, newTrack()], RULE)).toBeNull();
    expect(silentPoints({ p1: { ...seen, offline: true } }, T0 + 600 * MIN, RULE)).toEqual([]);
  });
  it('the next reading of an offline point brings it back once; a resent old reading does not', () => {
    const off = { ...seen, offline: true };
    expect(trackReadings(off, every10(0, [190]), RULE, 180, always).signals).toEqual([]);
    const back = trackReadings(off, every10(300, [190, 191]), RULE, 180, always);
    expect(back.signals).toEqual([{ kind: 'online', sinceMs: T0, atMs: T0 + 300 * MIN }]);
    expect(back.track.offline).toBe(false);
  });
});

describe('the monitoring point aggregate: offline and back', () => {
  const spec = deciderSpec(pointDecider);
  const system: Actor = { subject: 'monitoring-rules', department: 'system.heating', roles: ['system'] };
  const ids = { pointId: 'jz-hongxing-mp7', companyId: 'dept.heating.zhongzhou' };
  const markOffline = {
    type: 'MarkOffline' as const,
    actor: system,
    data: { ...ids, lastSeenAt: '2026-12-01T00:00:00.000Z', at: '2026-12-01T02:05:00.000Z' },
  };
  const offline: PointEvent = {
    type: 'heating.point.device_offline.v1',
    data: { ...ids, lastSeenAt: '2026-12-01T00:00:00.000Z' as never, markedAt: '2026-12-01T02:05:00.000Z' as never },
  };
  const markOnline = {
    type: 'MarkOnline' as const,
    actor: system,
    data: { ...ids, silentSince: '2026-12-01T00:00:00.000Z', at: '2026-12-01T05:00:00.000Z' },
  };
  const online: PointEvent = {
    type: 'heating.point.device_online.v1',
    data: { ...ids, silentSince: '2026-12-01T00:00:00.000Z' as never, backAt: '2026-12-01T05:00:00.000Z' as never },
  };
  it('marks a device offline once', () => {
    spec.given([]).when(markOffline).then([offline]);
    spec.given([offline]).when(markOffline).thenThrows(IllegalStateError);
  });
  it('brings it back only when it was offline', () => {
    spec.given([offline]).when(markOnline).then([online]);
    spec.given([]).when(markOnline).thenThrows(IllegalStateError);
    spec.given([offline, online]).when(markOffline).then([offline]);
  });
  it('only the system marks devices', () =>
    spec
      .given([])
      .when({ ...markOffline, actor: { ...system, roles: ['heating.gateway'] } })
      .thenThrows(ForbiddenError));
});
