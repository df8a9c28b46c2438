import { DUPLICATE_SEARCH_RADIUS_METERS, openKeysAround, tileOf } from './report-index-projection';

/** The point `meters` away from `from` on `bearing` (degrees), on a sphere — good to well under a metre here. */
function move(from: { lat: number; lon: number }, meters: number, bearing: number): { lat: number; lon: number } {
  const R = 6_371_008.8;
  const d = meters / R;
  const b = (bearing * Math.PI) / 180;
  const lat1 = (from.lat * Math.PI) / 180;
  const lon1 = (from.lon * Math.PI) / 180;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lon2 = lon1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: (lat2 * 180) / Math.PI, lon: (lon2 * 180) / Math.PI };
}

it('every open report within the search radius lies in a tile the search reads, anywhere in China', () => {
  // Deterministic spread of points from Sanya (18° N) to Mohe (53.5° N), tile corners included.
  for (let i = 0; i < 400; i++) {
    const here = { lat: 18 + ((i * 7.919) % 35.5), lon: 74 + ((i * 13.37) % 60) };
    const keys = new Set(openKeysAround('event.01.02', here));
    for (let bearing = 0; bearing < 360; bearing += 15) {
      const there = move(here, DUPLICATE_SEARCH_RADIUS_METERS, bearing);
      expect(keys.has(`event.01.02@${tileOf(there)}`)).toBe(true);
    }
  }
});

it('reaches every open report within a smaller radius too, reading only the tiles that radius touches', () => {
  let tiles = 0;
  for (let i = 0; i < 400; i++) {
    // Spread inside the tiles too (the first test's points sit on tile edges, the worst case).
    const here = { lat: 18 + ((i * 7.91913579) % 35.5), lon: 74 + ((i * 13.3717171) % 60) };
    const keys = new Set(openKeysAround('event.01.02', here, 50));
    tiles += keys.size;
    for (let bearing = 0; bearing < 360; bearing += 15) expect(keys.has(`event.01.02@${tileOf(move(here, 50, bearing))}`)).toBe(true);
  }
  // ~556 m × 330–450 m tiles: a 50 m radius mostly stays inside one, and never reaches past four.
  expect(tiles / 400).toBeLessThan(1.8);
});

it('reads distinct tiles of the one category: its own, at most the eight around it', () => {
  const middle = { lat: 35.2325, lon: 113.2025 };
  expect(openKeysAround('component.01.02', middle, 50)).toEqual([`component.01.02@${tileOf(middle)}`]);
  const keys = openKeysAround('component.01.02', { lat: 35.2305, lon: 113.2006 });
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.length).toBeLessThanOrEqual(9);
  expect(keys.every((k) => k.startsWith('component.01.02@'))).toBe(true);
  expect(keys).toContain(`component.01.02@${tileOf({ lat: 35.2305, lon: 113.2006 })}`);
});
