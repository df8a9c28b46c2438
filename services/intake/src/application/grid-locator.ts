import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { point, polygon } from '@turf/helpers';
import { ValidationError } from '@yiwang/kernel-core';
import { type CellRef, type GeoJsonPolygon, type LatLon, type UnitGrid } from '../domain';

type Box = readonly [minLon: number, minLat: number, maxLon: number, maxLat: number];
type IndexedCell = Readonly<{ ref: CellRef; box: Box; shape: ReturnType<typeof polygon> }>;

const toTurf = (p: GeoJsonPolygon): ReturnType<typeof polygon> => polygon(p.coordinates.map((ring) => ring.map((pos) => [pos[0], pos[1]])));

function boxOf(p: GeoJsonPolygon): Box {
  const ring = p.coordinates[0] ?? [];
  const lons = ring.map((pos) => pos[0]);
  const lats = ring.map((pos) => pos[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

const inBox = (b: Box, { lat, lon }: LatLon): boolean => lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];

/**
 * Finds the unit-grid cell (单元网格) of a WGS84 point with turf's point-in-polygon, behind a
 * bounding-box prefilter (a few hundred cells: a linear scan of boxes is microseconds).
 * A point outside the city boundary is not ours to handle: ValidationError. A point inside the
 * city but on no cell is legal (null): the supervision centre places it when filing.
 */
export class GridLocator {
  private readonly cells: readonly IndexedCell[];
  private readonly boundary: ReturnType<typeof polygon>;
  private readonly boundaryBox: Box;

  constructor(readonly grid: UnitGrid) {
    this.boundary = toTurf(grid.city.boundary);
    this.boundaryBox = boxOf(grid.city.boundary);
    this.cells = [...grid.cells.values()].map((c) => ({
      ref: { cellId: c.id, district: c.district, street: c.street, community: c.community },
      box: boxOf(c.polygon),
      shape: toTurf(c.polygon),
    }));
  }

  /** The cell containing `p`, null when none does; throws when `p` is outside the city. */
  locate(p: LatLon, field = 'location'): CellRef | null {
    const pt = point([p.lon, p.lat]);
    if (!inBox(this.boundaryBox, p) || !booleanPointInPolygon(pt, this.boundary)) {
      throw new ValidationError(`${field} is outside ${this.grid.city.name.en} (${this.grid.city.name.zh})`, [
        { field, message: `(${p.lat}, ${p.lon}) is outside the city served by this intake` },
      ]);
    }
    for (const c of this.cells) if (inBox(c.box, p) && booleanPointInPolygon(pt, c.shape)) return c.ref;
    return null;
  }

  /** The cell with this id (for the centre filing an off-grid report), or a ValidationError. */
  cell(cellId: string, field = 'cellId'): CellRef {
    const found = this.cells.find((c) => c.ref.cellId === cellId);
    if (!found) throw new ValidationError(`unknown grid cell ${cellId}`, [{ field, message: 'not a cell of the unit grid' }]);
    return found.ref;
  }
}
