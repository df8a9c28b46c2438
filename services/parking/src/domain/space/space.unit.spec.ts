import { deciderSpec, ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { actors, MONDAY_10, spot } from '../../parking.test-helpers';
import { atNight, insideTidalWindow } from './tidal-window';
import { spaceDecider, type MarkSpace } from './space';

const spec = deciderSpec(spaceDecider);
const mark = (over: Partial<MarkSpace['data']> = {}, actor = actors.planner): MarkSpace => ({
  type: 'MarkSpace',
  actor,
  data: {
    spaceId: 'S-1',
    kind: 'tidal',
    location: spot,
    bays: 12,
    maxMinutes: 0,
    windows: [{ weekdays: [6, 7], from: '08:00', to: '20:00' }],
    at: MONDAY_10,
    ...over,
  },
});

describe('the space register (施划泊位, 潮汐车位)', () => {
  it('a planner marks a tidal space with its windows; windows change; a removed space is gone', () => {
    const marked = spaceDecider.decide(mark(), spaceDecider.initialState());
    expect(marked[0]).toMatchObject({ type: 'parking.space.marked.v1', data: { kind: 'tidal', bays: 12 } });
    spec
      .given([...marked])
      .when({
        type: 'ChangeTidalWindows',
        actor: actors.planner,
        data: { windows: [{ weekdays: [1], from: '19:00', to: '07:00' }], at: MONDAY_10 },
      })
      .then([
        {
          type: 'parking.space.windows_changed.v1',
          data: { spaceId: 'S-1' as never, windows: [{ weekdays: [1], from: '19:00', to: '07:00' }], changedAt: MONDAY_10 as never },
        },
      ]);
    spec
      .given([...marked])
      .when(mark())
      .thenThrows(IllegalStateError);
  });

  it('refuses officers, bad windows and absurd bay counts', () => {
    spec.given([]).when(mark({}, actors.officer)).thenThrows(ForbiddenError);
    spec
      .given([])
      .when(mark({ windows: [] }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(mark({ windows: [{ weekdays: [8], from: '08:00', to: '20:00' }] }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(mark({ windows: [{ weekdays: [1], from: '8:00', to: '20:00' }] }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(mark({ bays: 0 }))
      .thenThrows(ValidationError);
  });

  it('a window past midnight belongs to the evening it starts on', () => {
    const w = [{ weekdays: [5], from: '22:00', to: '06:00' }];
    expect(insideTidalWindow(w, Date.parse('2026-03-06T23:00:00+08:00'))).toBe(true); // Friday
    expect(insideTidalWindow(w, Date.parse('2026-03-07T05:59:00+08:00'))).toBe(true); // Saturday morning
    expect(insideTidalWindow(w, Date.parse('2026-03-07T06:00:00+08:00'))).toBe(false);
    expect(insideTidalWindow(w, Date.parse('2026-03-06T05:00:00+08:00'))).toBe(false); // Friday morning: Thursday’s night
    expect(atNight({ from: '22:00', to: '06:00' }, Date.parse('2026-03-06T21:59:00+08:00'))).toBe(false);
  });
});
