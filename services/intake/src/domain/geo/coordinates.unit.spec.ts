import { ValidationError } from '@yiwang/kernel-core';
import { gcj02ToWgs84, haversineMeters, outsideChina, toWgs84, validateLatLon, wgs84ToGcj02 } from './coordinates';

// Published reference pairs (wgs lat, wgs lon, gcj lat, gcj lon), as used by the eviltransform ports.
const KNOWN = [
  ['Shanghai', 31.1774276, 121.5272106, 31.17530398364597, 121.531541859215],
  ['Shenzhen', 22.543847, 113.912316, 22.540796131694766, 113.9171764808363],
  ['Beijing', 39.911954, 116.377817, 39.91334545536069, 116.38404722455657],
] as const;

describe('GCJ-02', () => {
  it.each(KNOWN)('WGS84 → GCJ-02 matches the reference in %s', (_city, lat, lon, gLat, gLon) => {
    const g = wgs84ToGcj02({ lat, lon });
    expect(g.lat).toBeCloseTo(gLat, 9);
    expect(g.lon).toBeCloseTo(gLon, 9);
  });

  it.each(KNOWN)('GCJ-02 → WGS84 recovers the point in %s to within a centimetre', (_city, lat, lon, gLat, gLon) => {
    const w = gcj02ToWgs84({ lat: gLat, lon: gLon });
    expect(haversineMeters(w, { lat, lon })).toBeLessThan(0.01);
  });

  it('round-trips across Jiaozuo within 1 m, and the offset there is hundreds of metres', () => {
    for (let lat = 35.1; lat <= 35.3; lat += 0.05) {
      for (let lon = 113.1; lon <= 113.4; lon += 0.05) {
        const p = { lat, lon };
        const g = wgs84ToGcj02(p);
        expect(haversineMeters(gcj02ToWgs84(g), p)).toBeLessThan(1);
        const shift = haversineMeters(g, p);
        expect(shift).toBeGreaterThan(100);
        expect(shift).toBeLessThan(1000);
      }
    }
  });

  it('is the identity outside China', () => {
    const london = { lat: 51.5, lon: -0.12 };
    expect(outsideChina(london)).toBe(true);
    expect(wgs84ToGcj02(london)).toEqual(london);
    expect(gcj02ToWgs84(london)).toEqual(london);
  });

  it('toWgs84 converts declared GCJ-02 and passes WGS84 through', () => {
    const [, lat, lon, gLat, gLon] = KNOWN[0];
    expect(haversineMeters(toWgs84({ lat: gLat, lon: gLon }, 'gcj02'), { lat, lon })).toBeLessThan(0.01);
    expect(toWgs84({ lat, lon }, 'wgs84')).toEqual({ lat, lon });
  });
});

describe('validateLatLon', () => {
  it.each([
    ['latitude beyond the pole', { lat: 91, lon: 113 }, 'location.lat'],
    ['longitude beyond the antimeridian', { lat: 35, lon: 181 }, 'location.lon'],
    ['NaN', { lat: Number.NaN, lon: 113 }, 'location.lat'],
    ['a string', { lat: '35.2', lon: 113 }, 'location.lat'],
    ['nothing', undefined, 'location.lat'],
  ])('refuses %s', (_name, raw, field) => {
    try {
      validateLatLon(raw);
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).violations.map((v) => v.field)).toContain(field);
    }
  });
  it('accepts a real point', () => {
    expect(validateLatLon({ lat: 35.215, lon: 113.241 })).toEqual({ lat: 35.215, lon: 113.241 });
  });
});

describe('haversineMeters', () => {
  it('measures known distances', () => {
    expect(haversineMeters({ lat: 35.2, lon: 113.2 }, { lat: 35.2, lon: 113.2 })).toBe(0);
    // One degree of latitude is ~111.2 km on the mean sphere.
    expect(haversineMeters({ lat: 35, lon: 113 }, { lat: 36, lon: 113 })).toBeCloseTo(111_195, -1);
    // Beijing Tiananmen to Shanghai People's Square: ~1,067 km.
    expect(haversineMeters({ lat: 39.9087, lon: 116.3975 }, { lat: 31.2304, lon: 121.4737 }) / 1000).toBeCloseTo(1067, -1);
  });
  it('is symmetric', () => {
    const a = { lat: 35.21, lon: 113.23 };
    const b = { lat: 35.22, lon: 113.25 };
    expect(haversineMeters(a, b)).toBeCloseTo(haversineMeters(b, a), 9);
  });
});
