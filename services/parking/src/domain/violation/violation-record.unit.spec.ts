import { deciderSpec, ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { actors, cameras, ctx, markedSpace, MONDAY_10, record, shanghai, SQUAD, tidalSpace, vehicle } from '../../parking.test-helpers';
import { violationDecider } from './violation-decider';
import { type ViolationEvent } from './violation-events';
import { findingsOf, type Sighting } from './sightings';

const decider = violationDecider(ctx);
const spec = deciderSpec(decider);
const recorded = (c = record()): ViolationEvent[] => [...decider.decide(c, decider.initialState())];

describe('recording a violation (违停取证)', () => {
  it('an officer records for their squad: the table fine of the kind, no plate in clear', () => {
    const [e] = recorded();
    expect(e).toMatchObject({
      type: 'parking.violation.recorded.v1',
      data: { violationId: 'V-1', squad: SQUAD, kind: 'pavement', tableFine: 100, obstructing: false, recordedBy: 'li.wei' },
    });
    expect(JSON.stringify(e)).not.toContain('豫');
  });

  it('fire lanes and blocked entrances obstruct by their nature (towing allowed)', () => {
    expect(recorded(record({ kind: 'fire_lane' }))[0]!.data).toMatchObject({ obstructing: true, tableFine: 200 });
    expect(recorded(record({ kind: 'blocking_entrance' }))[0]!.data).toMatchObject({ obstructing: true, tableFine: 150 });
  });

  it('an officer of another squad, or without the role, may not record for this squad', () => {
    spec.given([]).when(record({}, actors.otherSquad)).thenThrows(ForbiddenError);
    spec
      .given([])
      .when(record({}, { ...actors.officer, roles: [] }))
      .thenThrows(ForbiddenError);
  });

  it('unknown kinds, missing photos, bad sources and a future observation are refused', () => {
    spec
      .given([])
      .when(record({ kind: 'double_parking' }))
      .thenThrows(ValidationError, (e) => expect(e.message).toContain('unknown violation kind'));
    spec
      .given([])
      .when(record({ photoRefs: [] }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(record({ source: 'drone' }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(record({ observedAt: shanghai('2026-03-02T12:00:00') }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(record({ vehicle: { ...vehicle, vehicleType: 'tank' } }))
      .thenThrows(ValidationError);
  });

  it('a camera of the published register records for the squad the register names', () => {
    const cam = cameras.get('CAM-JF-001')!;
    const [e] = recorded(record({ source: 'camera', camera: cam, cameraId: cam.cameraId, squad: '' }, actors.camera));
    expect(e!.data).toMatchObject({ source: 'camera', cameraId: 'CAM-JF-001', squad: 'dept.parking.jiefang', recordedBy: 'camera-ingest' });
  });

  it('a camera not in the register, or not yet published, is not evidence (行政处罚法 Art 41)', () => {
    spec
      .given([])
      .when(record({ source: 'camera', camera: null, cameraId: 'CAM-X' }, actors.camera))
      .thenThrows(ValidationError, (e) => expect(e.message).toContain('Art 41'));
    const unpublished = cameras.get('CAM-MC-001')!;
    spec
      .given([])
      .when(record({ source: 'camera', camera: unpublished, cameraId: unpublished.cameraId }, actors.camera))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(record({ source: 'camera', camera: cameras.get('CAM-JF-001')!, cameraId: 'CAM-JF-001' }, actors.officer))
      .thenThrows(ForbiddenError);
  });

  it('the same vehicle at the same spot within the window is the violation already recorded', () => {
    const history = recorded();
    spec
      .given(history)
      .when(record({ observedAt: shanghai('2026-03-02T10:29:00'), at: shanghai('2026-03-02T10:29:00') }))
      .then([]);
    spec
      .given(history)
      .when(record({ observedAt: shanghai('2026-03-02T10:31:00'), at: shanghai('2026-03-02T10:31:00') }))
      .thenThrows(IllegalStateError);
    spec
      .given(history)
      .when(record({ vehicle: { ...vehicle, plateHash: 'b'.repeat(64) } }))
      .thenThrows(IllegalStateError);
  });
});

describe('tidal and marked spaces', () => {
  it('a tidal space outside its window is a violation (a weekday 09:00)', () => {
    expect(
      recorded(
        record({
          kind: 'tidal_outside_window',
          space: tidalSpace,
          observedAt: shanghai('2026-03-03T09:00:00'),
          at: shanghai('2026-03-03T09:00:00'),
        }),
      )[0]!.data,
    ).toMatchObject({
      spaceId: 'S-T1',
      tableFine: 50,
    });
  });

  it('inside the window it is not: weekday evening, and Saturday 06:00 in Friday night’s window', () => {
    for (const local of ['2026-03-03T20:00:00', '2026-03-07T06:00:00', '2026-03-03T06:59:00']) {
      const at = shanghai(local);
      spec
        .given([])
        .when(record({ kind: 'tidal_outside_window', space: tidalSpace, observedAt: at, at }))
        .thenThrows(IllegalStateError);
    }
    const saturdayNoon = shanghai('2026-03-07T12:00:00');
    expect(recorded(record({ kind: 'tidal_outside_window', space: tidalSpace, observedAt: saturdayNoon, at: saturdayNoon }))).toHaveLength(
      1,
    );
  });

  it('a tidal violation needs a tidal space of the register', () => {
    spec
      .given([])
      .when(record({ kind: 'tidal_outside_window', space: null }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(record({ kind: 'tidal_outside_window', space: markedSpace }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(record({ kind: 'tidal_outside_window', space: { ...tidalSpace, removed: true } }))
      .thenThrows(ValidationError);
  });

  it('a marked space over its time: 121 minutes is, 120 is not', () => {
    const since = (minutes: number) => new Date(Date.parse(MONDAY_10) - minutes * 60_000).toISOString();
    expect(recorded(record({ kind: 'marked_space_overtime', space: markedSpace, parkedSince: since(121) }))[0]!.data).toMatchObject({
      tableFine: 20,
    });
    spec
      .given([])
      .when(record({ kind: 'marked_space_overtime', space: markedSpace, parkedSince: since(120) }))
      .thenThrows(IllegalStateError);
  });
});

describe('camera bursts', () => {
  const frame = (i: number, minute: number, over: Partial<Sighting> = {}): Sighting => ({
    cameraId: 'CAM-JF-001',
    plateHash: 'a'.repeat(64),
    spot: 'P1401-0233|人民路',
    observedMs: Date.parse(MONDAY_10) + minute * 60_000,
    photoRef: `f/${i}.jpg`,
    index: i,
    ...over,
  });

  it('a burst of 5 frames of one car is one finding with every photo', () => {
    const findings = findingsOf(
      [0, 1, 2, 3, 4].map((i) => frame(i, i * 0.2)),
      30 * 60_000,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.frames.map((f) => f.photoRef)).toEqual(['f/0.jpg', 'f/1.jpg', 'f/2.jpg', 'f/3.jpg', 'f/4.jpg']);
  });

  it('another car, another spot, or the same car after the window are separate findings', () => {
    const findings = findingsOf(
      [frame(0, 0), frame(1, 1, { plateHash: 'b'.repeat(64) }), frame(2, 2, { spot: 'P1401-0234|人民路' }), frame(3, 31), frame(4, 30)],
      30 * 60_000,
    );
    expect(findings.map((f) => f.frames.map((x) => x.index))).toEqual([[0, 4], [1], [2], [3]]);
  });
});
