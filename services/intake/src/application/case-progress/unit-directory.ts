import shipped from '../../../data/units.json';

export type UnitName = Readonly<{ zh: string; en: string }>;
export type UnitRef = Readonly<{ id: string; name: UnitName }>;

/**
 * Display names of the responsible units (单位名录), so the reporter reads "解放区环卫处" rather
 * than `dept.sanitation.jiefang`. Dispatch's events carry only the unit id; the names are city
 * data kept in `data/units.json`. An unknown id is shown as itself: a unit added to dispatch's
 * matrix before this file still gets a (plain) answer instead of an error.
 */
export class UnitDirectory {
  private readonly names: ReadonlyMap<string, UnitName>;

  constructor(units: Iterable<UnitRef>) {
    const names = new Map<string, UnitName>();
    for (const u of units) {
      if (typeof u.id !== 'string' || u.id === '' || typeof u.name?.zh !== 'string' || typeof u.name?.en !== 'string') {
        throw new Error(`unit directory: entry ${JSON.stringify(u)} needs an id and a name {zh, en}`);
      }
      names.set(u.id, { zh: u.name.zh, en: u.name.en });
    }
    this.names = names;
  }

  unit(id: string): UnitRef {
    return { id, name: this.names.get(id) ?? { zh: id, en: id } };
  }

  get size(): number {
    return this.names.size;
  }
}

/** The directory shipped in data/units.json (the demo city's units). */
export const shippedUnitDirectory = (): UnitDirectory => new UnitDirectory(shipped.units);
