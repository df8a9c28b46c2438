import shipped from '../../../data/centre-category-map.json';

/** One row of the code table shared with the centre. */
export interface CodeTableEntry {
  readonly centre: string;
  readonly centreName: string;
  readonly yiwang: string;
}

/**
 * The centre's category codes ↔ Yiwang's. Data, not code: `data/centre-category-map.json`, agreed
 * with the centre and versioned. Several centre codes may share one Yiwang code (legacy 12345
 * codes); the first row of a Yiwang code is the one reported back.
 */
export class CategoryCodeTable {
  private readonly toYiwang = new Map<string, CodeTableEntry>();
  private readonly toCentre = new Map<string, CodeTableEntry>();

  constructor(
    readonly version: string,
    entries: readonly CodeTableEntry[],
  ) {
    for (const e of entries) {
      if (this.toYiwang.has(e.centre)) throw new Error(`code table ${version}: centre code ${e.centre} appears twice`);
      this.toYiwang.set(e.centre, e);
      if (!this.toCentre.has(e.yiwang)) this.toCentre.set(e.yiwang, e);
    }
  }

  yiwangCodeOf(centreCode: string): string | undefined {
    return this.toYiwang.get(centreCode)?.yiwang;
  }

  centreCodeOf(yiwangCode: string): string | undefined {
    return this.toCentre.get(yiwangCode)?.centre;
  }

  get centreCodes(): readonly string[] {
    return [...this.toYiwang.keys()];
  }
}

/** The table shipped with the service. */
export const shippedCodeTable = (): CategoryCodeTable => new CategoryCodeTable(shipped.version, shipped.entries);
