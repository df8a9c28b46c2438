import { assertNever, IllegalStateError, type Decider, type DomainEvent } from '@yiwang/kernel-core';
import { Roles, requireRole, type Actor } from '../shared/actor';
import { Instant, invalid, place, SpaceId, type Place } from '../shared/values';
import { tidalWindows, type TidalWindow } from './tidal-window';

/**
 * The register of parking spaces (`parking-space-<id>`): marked spaces (施划泊位) with their time
 * limit, and tidal spaces (潮汐车位) with their windows per weekday. Violations of the kinds
 * "tidal outside its window" and "marked space over its time" are checked against it.
 */
export type SpaceKind = 'marked' | 'tidal';

export type SpaceMarked = DomainEvent<
  'parking.space.marked.v1',
  Readonly<{
    spaceId: SpaceId;
    kind: SpaceKind;
    location: Place;
    bays: number;
    maxMinutes: number;
    windows: readonly TidalWindow[];
    markedAt: Instant;
  }>
>;
export type TidalWindowsChanged = DomainEvent<
  'parking.space.windows_changed.v1',
  Readonly<{ spaceId: SpaceId; windows: readonly TidalWindow[]; changedAt: Instant }>
>;
export type SpaceRemoved = DomainEvent<'parking.space.removed.v1', Readonly<{ spaceId: SpaceId; reason: string; removedAt: Instant }>>;
export type SpaceEvent = SpaceMarked | TidalWindowsChanged | SpaceRemoved;
export const SPACE_EVENT_TYPES = [
  'parking.space.marked.v1',
  'parking.space.windows_changed.v1',
  'parking.space.removed.v1',
] as const satisfies readonly SpaceEvent['type'][];

type Command<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data>; actor: Actor }>;
export type MarkSpace = Command<
  'MarkSpace',
  { spaceId: string; kind: string; location: Place; bays: number; maxMinutes: number; windows: readonly TidalWindow[]; at: string }
>;
export type ChangeTidalWindows = Command<'ChangeTidalWindows', { windows: readonly TidalWindow[]; at: string }>;
export type RemoveSpace = Command<'RemoveSpace', { reason: string; at: string }>;
export type SpaceCommand = MarkSpace | ChangeTidalWindows | RemoveSpace;

export type SpaceState =
  | Readonly<{ status: 'none' }>
  | Readonly<{ status: 'active' | 'removed'; spaceId: string; kind: SpaceKind; maxMinutes: number; windows: readonly TidalWindow[] }>;

export function evolveSpace(state: SpaceState, e: SpaceEvent): SpaceState {
  switch (e.type) {
    case 'parking.space.marked.v1':
      return { status: 'active', spaceId: e.data.spaceId, kind: e.data.kind, maxMinutes: e.data.maxMinutes, windows: e.data.windows };
    case 'parking.space.windows_changed.v1':
      return state.status === 'none' ? state : { ...state, windows: e.data.windows };
    case 'parking.space.removed.v1':
      return state.status === 'none' ? state : { ...state, status: 'removed' };
    default:
      return assertNever(e, 'space event');
  }
}

export function decideSpace(c: SpaceCommand, state: SpaceState): readonly SpaceEvent[] {
  requireRole(c.actor, c.type, Roles.planner);
  const at = Instant(c.data.at);
  switch (c.type) {
    case 'MarkSpace': {
      if (state.status !== 'none') throw new IllegalStateError(`space ${c.data.spaceId} is already in the register`, {});
      const kind = c.data.kind;
      if (kind !== 'marked' && kind !== 'tidal') invalid('kind', 'must be marked or tidal');
      if (!Number.isInteger(c.data.bays) || c.data.bays < 1 || c.data.bays > 500) invalid('bays', 'must be 1–500');
      if (!Number.isInteger(c.data.maxMinutes) || c.data.maxMinutes < 0 || c.data.maxMinutes > 24 * 60)
        invalid('maxMinutes', 'must be 0 (no limit) to 1440');
      const windows = kind === 'tidal' ? tidalWindows(c.data.windows) : [];
      return [
        {
          type: 'parking.space.marked.v1',
          data: {
            spaceId: SpaceId(c.data.spaceId),
            kind,
            location: place(c.data.location),
            bays: c.data.bays,
            maxMinutes: c.data.maxMinutes,
            windows,
            markedAt: at,
          },
        },
      ];
    }
    case 'ChangeTidalWindows':
      if (state.status !== 'active' || state.kind !== 'tidal') throw new IllegalStateError('only an active tidal space has windows', {});
      return [
        {
          type: 'parking.space.windows_changed.v1',
          data: { spaceId: state.spaceId as SpaceId, windows: tidalWindows(c.data.windows), changedAt: at },
        },
      ];
    case 'RemoveSpace':
      if (state.status !== 'active') throw new IllegalStateError('no active space to remove', {});
      return [{ type: 'parking.space.removed.v1', data: { spaceId: state.spaceId as SpaceId, reason: c.data.reason, removedAt: at } }];
    default:
      return assertNever(c, 'space command');
  }
}

export const spaceDecider: Decider<SpaceCommand, SpaceEvent, SpaceState> = {
  initialState: () => ({ status: 'none' }),
  decide: decideSpace,
  evolve: evolveSpace,
};
export const spaceStreamId = (id: string): string => `parking-space-${id}`;
