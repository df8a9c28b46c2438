import { ValidationError } from '@yiwang/kernel-core';

/**
 * Coordinates. Everything stored is WGS84 (GPS, what Open311 and the grid use). Chinese map apps
 * (AMap/Gaode, Tencent) give GCJ-02 ("Mars coordinates"), a deliberately offset datum; reports
 * may declare it and are converted on intake, or they would land 300–600 m off their cell.
 */
export type LatLon = Readonly<{ lat: number; lon: number }>;
export type Crs = 'wgs84' | 'gcj02';

/** Checks a point is a real coordinate; an impossible one is a ValidationError on `field`. */
export function validateLatLon(raw: unknown, field = 'location'): LatLon {
  const p = (raw ?? {}) as Record<string, unknown>;
  const lat = p['lat'];
  const lon = p['lon'];
  const problems: { field: string; message: string }[] = [];
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
    problems.push({ field: `${field}.lat`, message: 'must be a number in [-90, 90]' });
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180)
    problems.push({ field: `${field}.lon`, message: 'must be a number in [-180, 180]' });
  if (problems.length > 0) throw new ValidationError(`${field} is not a valid coordinate`, problems);
  return { lat: lat as number, lon: lon as number };
}

// Krasovsky 1940 ellipsoid, as the GCJ-02 algorithm uses.
const A = 6378245.0;
const EE = 0.00669342162296594323;

/** GCJ-02 is applied only inside (roughly) China's bounding box; outside it equals WGS84. */
export const outsideChina = ({ lat, lon }: LatLon): boolean => lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** The GCJ-02 offset at a WGS84 point, in degrees. */
function offset({ lat, lon }: LatLon): LatLon {
  const dLat = transformLat(lon - 105.0, lat - 35.0);
  const dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
  const sqrtMagic = Math.sqrt(magic);
  return {
    lat: (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI),
    lon: (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI),
  };
}

/** WGS84 → GCJ-02, the published forward algorithm. */
export function wgs84ToGcj02(p: LatLon): LatLon {
  if (outsideChina(p)) return p;
  const d = offset(p);
  return { lat: p.lat + d.lat, lon: p.lon + d.lon };
}

/**
 * GCJ-02 → WGS84. The forward offset has no closed-form inverse; the usual one-step inverse is
 * off by metres, so iterate (fixed point) until the forward image matches to ~1 mm.
 */
export function gcj02ToWgs84(p: LatLon): LatLon {
  if (outsideChina(p)) return p;
  let guess: LatLon = { lat: p.lat - offset(p).lat, lon: p.lon - offset(p).lon };
  for (let i = 0; i < 30; i++) {
    const image = wgs84ToGcj02(guess);
    const dLat = p.lat - image.lat;
    const dLon = p.lon - image.lon;
    guess = { lat: guess.lat + dLat, lon: guess.lon + dLon };
    if (Math.abs(dLat) < 1e-9 && Math.abs(dLon) < 1e-9) break;
  }
  return guess;
}

/** Validates a declared point and returns it in WGS84. */
export function toWgs84(raw: unknown, crs: Crs, field = 'location'): LatLon {
  const p = validateLatLon(raw, field);
  return crs === 'gcj02' ? gcj02ToWgs84(p) : p;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine, mean Earth radius): plenty for "within 250 m". */
export function haversineMeters(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
