import { violation } from '../shared/values';
import shipped from '../../../data/grid.json';

/**
 * The unit grid (单元网格, CJ/T 213): the city cut into cells of about 10,000 m², each belonging
 * to a community (社区), a street (街道) and a district (区). Polygons are GeoJSON (WGS84,
 * [lon, lat]). Finding the cell of a point is done in the adapter with a geo library (robust
 * point-in-polygon and an index); the domain only defines and validates the data and receives the
 * resolved cell in commands.
 */
export type Position = readonly [number, number];
export type GeoJsonPolygon = Readonly<{ type: 'Polygon'; coordinates: readonly (readonly Position[])[] }>;
type Name = Readonly<{ zh: string; en: string }>;

export type GridCell = Readonly<{ id: string; district: string; street: string; community: string; polygon: GeoJsonPolygon }>;
export type GridDistrict = Readonly<{
  code: string;
  name: Name;
  streets: readonly Readonly<{ code: string; name: Name; communities: readonly Readonly<{ code: string; name: Name }>[] }>[];
}>;
export type UnitGrid = Readonly<{
  version: string;
  city: Readonly<{ name: Name; adminCode: string; boundary: GeoJsonPolygon }>;
  districts: readonly GridDistrict[];
  cells: ReadonlyMap<string, GridCell>;
}>;

/** What a report carries about where it is: the cell and its administrative parents. */
export type CellRef = Readonly<{ cellId: string; district: string; street: string; community: string }>;

/** 6-digit district code + 3 street + 3 community + 3 serial. */
const CELL_ID = /^\d{15}$/;

function polygon(raw: unknown, field: string): GeoJsonPolygon {
  const p = (raw ?? {}) as Record<string, unknown>;
  const rings = p['coordinates'];
  if (p['type'] !== 'Polygon' || !Array.isArray(rings) || rings.length === 0) throw violation(field, 'must be a GeoJSON Polygon');
  rings.forEach((ring: unknown, r) => {
    if (!Array.isArray(ring) || ring.length < 4) throw violation(`${field}.coordinates[${r}]`, 'a ring needs at least 4 positions');
    for (const pos of ring as unknown[]) {
      if (
        !Array.isArray(pos) ||
        pos.length < 2 ||
        typeof pos[0] !== 'number' ||
        typeof pos[1] !== 'number' ||
        Math.abs(pos[0]) > 180 ||
        Math.abs(pos[1]) > 90
      ) {
        throw violation(`${field}.coordinates[${r}]`, 'positions must be [lon, lat] in range');
      }
    }
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1]) throw violation(`${field}.coordinates[${r}]`, 'a ring must be closed');
  });
  return raw as GeoJsonPolygon;
}

/** Validates a grid file: unique 15-digit cell ids whose parents are declared. */
export function parseUnitGrid(raw: unknown): UnitGrid {
  const o = (raw ?? {}) as Record<string, unknown>;
  const city = (o['city'] ?? {}) as Record<string, unknown>;
  const boundary = polygon(city['boundary'], 'city.boundary');
  if (!Array.isArray(o['districts']) || !Array.isArray(o['cells'])) throw violation('grid', 'needs districts and cells lists');
  const districts = o['districts'] as GridDistrict[];
  const known = new Set<string>();
  for (const d of districts) {
    for (const s of d.streets ?? []) for (const c of s.communities ?? []) known.add(`${d.name?.zh}/${s.name?.zh}/${c.name?.zh}`);
  }
  const cells = new Map<string, GridCell>();
  (o['cells'] as Record<string, unknown>[]).forEach((c, i) => {
    const id = c['id'];
    if (typeof id !== 'string' || !CELL_ID.test(id)) throw violation(`cells[${i}].id`, 'must be a 15-digit cell code');
    if (cells.has(id)) throw violation(`cells[${i}].id`, `duplicate cell ${id}`);
    const path = `${String(c['district'])}/${String(c['street'])}/${String(c['community'])}`;
    if (!known.has(path)) throw violation(`cells[${i}]`, `belongs to an undeclared community ${path}`);
    cells.set(id, {
      id,
      district: c['district'] as string,
      street: c['street'] as string,
      community: c['community'] as string,
      polygon: polygon(c['polygon'], `cells[${i}].polygon`),
    });
  });
  const name = (city['name'] ?? { zh: '', en: '' }) as Name;
  return {
    version: typeof o['version'] === 'string' ? o['version'] : 'unversioned',
    city: { name, adminCode: String(city['adminCode'] ?? ''), boundary },
    districts,
    cells,
  };
}

/** The cell with this id, as a reference for commands; unknown id → ValidationError. */
export function cellRef(grid: UnitGrid, cellId: unknown, field = 'cellId'): CellRef {
  const cell = typeof cellId === 'string' ? grid.cells.get(cellId) : undefined;
  if (!cell) throw violation(field, `unknown grid cell ${String(cellId)}`);
  return { cellId: cell.id, district: cell.district, street: cell.street, community: cell.community };
}

/** The middle of a cell's bounding box: a handy point for seeding and tests. */
export function cellCentre(cell: GridCell): Readonly<{ lat: number; lon: number }> {
  const ring = cell.polygon.coordinates[0] ?? [];
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return { lon: (Math.min(...lons) + Math.max(...lons)) / 2, lat: (Math.min(...lats) + Math.max(...lats)) / 2 };
}

/** The demo grid shipped in data/grid.json (Jiaozuo, 5 districts, 360 cells). */
export const shippedUnitGrid = (): UnitGrid => parseUnitGrid(shipped);
