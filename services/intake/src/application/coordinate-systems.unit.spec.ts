import { ValidationError } from '@yiwang/kernel-core';
import { haversineMeters } from '../domain';
import { fromWgs84, parseCrs, toWgs84 } from './coordinate-systems';

// Published reference pairs (wgs lat, wgs lon, gcj lat, gcj lon), as used by the eviltransform ports.
const KNOWN = [
  ['Shanghai', 31.1774276, 121.5272106, 31.17530398364597, 121.531541859215],
  ['Shenzhen', 22.543847, 113.912316, 22.540796131694766, 113.9171764808363],
  ['Beijing', 39.911954, 116.377817, 39.91334545536069, 116.38404722455657],
] as const;

/** Baidu's published GCJ-02 → BD-09 step, written out here so that the library is checked against it. */
function bdEncrypt(lat: number, lon: number): { lat: number; lon: number } {
  const xPi = (Math.PI * 3000.0) / 180.0;
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * xPi);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * xPi);
  return { lat: z * Math.sin(theta) + 0.006, lon: z * Math.cos(theta) + 0.0065 };
}

describe('the datums users send', () => {
  it.each(KNOWN)('GCJ-02 from %s comes back to its WGS84 point within a centimetre', (_city, lat, lon, gLat, gLon) => {
    expect(haversineMeters(toWgs84({ lat: gLat, lon: gLon }, 'gcj02'), { lat, lon })).toBeLessThan(0.01);
    const g = fromWgs84({ lat, lon }, 'gcj02');
    expect(g.lat).toBeCloseTo(gLat, 9);
    expect(g.lon).toBeCloseTo(gLon, 9);
  });

  it.each(KNOWN)('BD-09 (Baidu maps) from %s comes back to its WGS84 point within a metre', (_city, lat, lon, gLat, gLon) => {
    const bd = bdEncrypt(gLat, gLon);
    expect(haversineMeters(toWgs84(bd, 'bd09'), { lat, lon })).toBeLessThan(1);
    expect(haversineMeters(fromWgs84({ lat, lon }, 'bd09'), bd)).toBeLessThan(0.01);
  });

  it('places a Baidu or AMap point of Jiaozuo where GPS puts it, though the raw numbers are hundreds of metres off', () => {
    for (let lat = 35.1; lat <= 35.3; lat += 0.05) {
      for (let lon = 113.1; lon <= 113.4; lon += 0.05) {
        const p = { lat, lon };
        for (const crs of ['gcj02', 'bd09'] as const) {
          const shown = fromWgs84(p, crs);
          expect(haversineMeters(shown, p)).toBeGreaterThan(100);
          expect(haversineMeters(toWgs84(shown, crs), p)).toBeLessThan(1);
        }
      }
    }
  });

  it('leaves points outside China as they are, and WGS84 as it is', () => {
    const london = { lat: 51.5, lon: -0.12 };
    expect(toWgs84(london, 'gcj02')).toEqual(london);
    expect(toWgs84(london, 'bd09')).toEqual(london);
    expect(toWgs84({ lat: 35.2, lon: 113.2 }, 'wgs84')).toEqual({ lat: 35.2, lon: 113.2 });
  });

  it('reads the datum case-insensitively, wgs84 when absent, and refuses others by name', () => {
    expect([parseCrs(undefined), parseCrs(''), parseCrs('GCJ02'), parseCrs('bd09')]).toEqual(['wgs84', 'wgs84', 'gcj02', 'bd09']);
    expect(() => parseCrs('cgcs2000', 'attribute[crs]')).toThrow(ValidationError);
    try {
      parseCrs('cgcs2000', 'attribute[crs]');
    } catch (e) {
      expect((e as ValidationError).violations).toEqual([{ field: 'attribute[crs]', message: 'must be one of wgs84, gcj02, bd09' }]);
    }
  });

  it('refuses an impossible point before converting it', () => {
    expect(() => toWgs84({ lat: 95, lon: 113 }, 'bd09')).toThrow(ValidationError);
  });
});
