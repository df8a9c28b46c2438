import { ForbiddenError, NotFoundError, ValidationError, type ReadModels } from '@yiwang/kernel-core';
import { parsePlate, Roles, type Actor } from '../domain';
import { maskPlate, type PlateKeys } from './plate-keys';
import { type ParkingApp } from './parking-app';
import {
  MODELS,
  weekIndexId,
  weeklyId,
  weekOf,
  WEEKLY_COUNTS,
  type HotSpotDoc,
  type ObstructionDoc,
  type OpenNoticesDoc,
  type PlateDoc,
  type SquadHotSpotsDoc,
  type ViolationDoc,
  type WeekIndexDoc,
  type WeeklyCount,
  type WeeklyDoc,
} from './projections/read-model-docs';

export type ViolationView = Omit<ViolationDoc, 'plateHash' | 'plateSealed'> & { plate: string };
export type WeeklyRowView = { key: string; counts: Record<WeeklyCount, number>; actions: number; rank: number; change: number };

/** Actions a squad took: drivers moved on, notices served, obstructions removed. */
const actionsOf = (c: Record<WeeklyCount, number>): number => c.movedOn + c.notices + c.removals;

const canSeeAll = (actor: Actor): boolean => actor.roles.includes(Roles.plates) || actor.roles.includes(Roles.system);

function requireSquadOrCentral(actor: Actor, squad: string, what: string): void {
  if (actor.department !== squad && !canSeeAll(actor))
    throw new ForbiddenError(`${what} belongs to ${squad}, not to ${actor.department}`, { department: actor.department });
}

/** Reads of parking's read models, by `_id` only; never a replay. */
export class ParkingQueries {
  constructor(
    private readonly app: ParkingApp,
    private readonly plateKeys: PlateKeys,
    private readonly models: () => Promise<ReadModels>,
  ) {}

  private async view(doc: ViolationDoc, actor: Actor): Promise<ViolationView> {
    const { plateHash, plateSealed, ...rest } = doc;
    const plate = doc.erased ? null : await this.app.openPlate(plateHash, plateSealed);
    return { ...rest, plate: plate === null ? '' : actor.roles.includes(Roles.plates) ? plate : maskPlate(plate) };
  }

  async violation(id: string, actor: Actor): Promise<ViolationView> {
    const doc = await (await this.models()).model<ViolationDoc>(MODELS.violations).get(id);
    if (!doc) throw new NotFoundError(`no violation ${id}`, { id });
    requireSquadOrCentral(actor, doc.squad, `violation ${id}`);
    return this.view(doc, actor);
  }

  /** A plate's violations across hash keys (repeat offenders), for role `parking.plates`. */
  async plateHistory(rawPlate: string, actor: Actor): Promise<ViolationView[]> {
    if (!actor.roles.includes(Roles.plates)) throw new ForbiddenError(`a plate's history needs role ${Roles.plates}`, {});
    const { plate } = parsePlate(rawPlate);
    const models = await this.models();
    const ids = new Set<string>();
    for (const hash of this.plateKeys.allHashes(plate))
      for (const id of (await models.model<PlateDoc>(MODELS.plates).get(hash))?.violationIds ?? []) ids.add(id);
    const docs = await Promise.all([...ids].map((id) => models.model<ViolationDoc>(MODELS.violations).get(id)));
    return Promise.all(docs.filter((d): d is ViolationDoc => d !== null).map((d) => this.view(d, actor)));
  }

  async obstruction(id: string, actor: Actor): Promise<ObstructionDoc> {
    const doc = await (await this.models()).model<ObstructionDoc>(MODELS.obstructions).get(id);
    if (!doc) throw new NotFoundError(`no obstruction ${id}`, { id });
    requireSquadOrCentral(actor, doc.squad, `obstruction ${id}`);
    return doc;
  }

  /** A squad's open notices and unpaid penalties, soonest deadline first. */
  async openNotices(squad: string, actor: Actor): Promise<OpenNoticesDoc['items']> {
    requireSquadOrCentral(actor, squad, 'this list of open notices');
    return (await (await this.models()).model<OpenNoticesDoc>(MODELS.openNotices).get(squad))?.items ?? [];
  }

  /** One page of a squad's open notices (the squad defaults to the caller's department). */
  async openNoticesPage(squad: string, actor: Actor, page: PageRequest): Promise<Page<OpenNoticesDoc['items'][number]>> {
    const which = squad || actor.department;
    return pageOf(await this.openNotices(which, actor), page);
  }

  /** One page of a squad's hot spots, most violations first (ties by cell id, so pages are stable). */
  async hotSpotsPage(squad: string, actor: Actor, page: PageRequest): Promise<Page<SquadHotSpot>> {
    const which = squad || actor.department;
    requireSquadOrCentral(actor, which, 'this list of hot spots');
    const doc = await (await this.models()).model<SquadHotSpotsDoc>(MODELS.squadHotSpots).get(which);
    const spots = Object.entries(doc?.cells ?? {})
      .map(([cellId, c]) => ({ cellId, ...c }))
      .sort((a, b) => b.total - a.total || a.cellId.localeCompare(b.cellId));
    return pageOf(spots, page);
  }

  async hotSpot(cellId: string): Promise<HotSpotDoc | null> {
    return (await this.models()).model<HotSpotDoc>(MODELS.hotSpots).get(cellId);
  }

  /** A week's table per district or squad, ranked by actions taken, with the change since the week before. */
  async weeklyTable(dimension: 'district' | 'squad', weekOfDate?: string): Promise<{ weekStart: string; rows: WeeklyRowView[] }> {
    let anchor = this.app.deps.clock.now().getTime();
    if (weekOfDate) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(weekOfDate) || Number.isNaN(Date.parse(weekOfDate)))
        throw new ValidationError('week_of must be a date YYYY-MM-DD', [{ field: 'weekOf', message: weekOfDate }]);
      anchor = Date.parse(`${weekOfDate}T12:00:00+08:00`);
    }
    const weekStart = weekOf(anchor);
    const previous = weekOf(anchor - 7 * 86_400_000);
    const models = await this.models();
    const rowsOf = async (week: string): Promise<WeeklyDoc[]> => {
      const keys = (await models.model<WeekIndexDoc>(MODELS.weekly).get(weekIndexId(week)))?.[dimension] ?? [];
      const docs = await Promise.all(keys.map((k) => models.model<WeeklyDoc>(MODELS.weekly).get(weeklyId(week, dimension, k))));
      return docs.filter((d): d is WeeklyDoc => d !== null);
    };
    const before = new Map((await rowsOf(previous)).map((r) => [r.key, actionsOf(r.counts)]));
    const rows = (await rowsOf(weekStart))
      .map((r) => ({
        key: r.key,
        counts: { ...Object.fromEntries(WEEKLY_COUNTS.map((k) => [k, 0])), ...r.counts } as Record<WeeklyCount, number>,
        actions: actionsOf(r.counts),
      }))
      .sort((a, b) => b.actions - a.actions || a.key.localeCompare(b.key));
    return {
      weekStart,
      rows: rows
        .map((r, i) => ({
          ...r,
          rank: i > 0 && rows[i - 1]!.actions === r.actions ? -1 : i + 1,
          change: r.actions - (before.get(r.key) ?? 0),
        }))
        .map((r, i, all) => ({ ...r, rank: r.rank === -1 ? rankOf(all, i) : r.rank })),
    };
  }
}

export type SquadHotSpot = { cellId: string; district: string; hours: number[]; total: number };
export type PageRequest = { pageSize: number; pageToken: string };
export type Page<T> = { items: T[]; nextPageToken: string; total: number };

const MAX_PAGE = 500;

/** A page of a list already in order; the token is the offset of the next item. */
export function pageOf<T>(all: readonly T[], { pageSize, pageToken }: PageRequest): Page<T> {
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE)
    throw new ValidationError(`page_size must be 0–${MAX_PAGE}`, [{ field: 'pageSize', message: String(pageSize) }]);
  if (pageToken !== '' && !/^\d{1,9}$/.test(pageToken))
    throw new ValidationError('page_token must come from a previous page', [{ field: 'pageToken', message: pageToken }]);
  const size = pageSize === 0 ? 50 : pageSize;
  const from = pageToken === '' ? 0 : Number(pageToken);
  const items = all.slice(from, from + size);
  return { items, nextPageToken: from + size < all.length ? String(from + size) : '', total: all.length };
}

/** Equal counts share the rank of the first of them (1, 2, 2, 4). */
function rankOf(rows: ReadonlyArray<{ actions: number; rank: number }>, i: number): number {
  let j = i;
  while (j > 0 && rows[j - 1]!.actions === rows[i]!.actions) j--;
  return j + 1;
}
