import { ValidationError } from '@yiwang/kernel-core';
import { haversineMeters, validateLatLon } from './coordinates';

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
