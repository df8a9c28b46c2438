import { ValidationError } from '@yiwang/kernel-core';
import { haversineMeters } from './coordinates';
import { cellCentre, cellRef, parseUnitGrid, shippedUnitGrid, type GeoJsonPolygon } from './unit-grid';
import shipped from '../../../data/grid.json';

const grid = shippedUnitGrid();

// A plain ray-casting test, for checking the shipped data only (the service uses a geo library).
function inside(polygon: GeoJsonPolygon, lon: number, lat: number): boolean {
  const ring = polygon.coordinates[0] ?? [];
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

describe('the shipped Jiaozuo grid', () => {
  it('has the five districts of the seeds and a few hundred cells', () => {
    expect(grid.districts.map((d) => d.name.zh)).toEqual(['中站区', '解放区', '山阳区', '马村区', '示范区']);
    expect(grid.cells.size).toBeGreaterThanOrEqual(300);
    expect(new Set([...grid.cells.values()].map((c) => c.district)).size).toBe(5);
  });
  it('cells are about 100 m × 100 m', () => {
    const ring = grid.cells.values().next().value!.polygon.coordinates[0]!;
    const [sw, se, , nw] = ring;
    expect(haversineMeters({ lon: sw![0], lat: sw![1] }, { lon: se![0], lat: se![1] })).toBeCloseTo(100, -1);
    expect(haversineMeters({ lon: sw![0], lat: sw![1] }, { lon: nw![0], lat: nw![1] })).toBeCloseTo(100, -1);
  });
  it('every cell lies inside the city boundary, and a point in Zhengzhou does not', () => {
    for (const cell of grid.cells.values()) {
      const c = cellCentre(cell);
      expect(inside(grid.city.boundary, c.lon, c.lat)).toBe(true);
      expect(inside(cell.polygon, c.lon, c.lat)).toBe(true);
    }
    expect(inside(grid.city.boundary, 113.6254, 34.7466)).toBe(false);
  });
  it('cell ids carry their district code', () => {
    expect(cellRef(grid, '410802001001001')).toEqual({
      cellId: '410802001001001',
      district: '解放区',
      street: '焦北街道',
      community: '焦北社区',
    });
  });
});

describe('parseUnitGrid and cellRef', () => {
  const cell = shipped.cells[0]!;
  it.each([
    ['a duplicate cell', { cells: [cell, cell] }],
    ['a short cell id', { cells: [{ ...cell, id: '4108' }] }],
    ['an undeclared community', { cells: [{ ...cell, community: '幸福社区' }] }],
    ['an open ring', { cells: [{ ...cell, polygon: { type: 'Polygon', coordinates: [cell.polygon.coordinates[0]!.slice(0, 4)] } }] }],
    ['a point instead of a polygon', { cells: [{ ...cell, polygon: { type: 'Point', coordinates: [113.2, 35.2] } }] }],
    ['a city without boundary', { city: { name: shipped.city.name } }],
  ])('refuses %s', (_name, patch) => {
    expect(() => parseUnitGrid({ ...shipped, ...patch })).toThrow(ValidationError);
  });
  it('an unknown cell is a validation error', () => {
    expect(() => cellRef(grid, '999999001001001')).toThrow(ValidationError);
  });
});
