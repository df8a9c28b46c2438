import { ValidationError } from '@yiwang/kernel-core';

/**
 * Coordinates. Everything stored is WGS84 (GPS, what Open311 and the grid use). Points that arrive
 * in another datum are converted by the application before they reach the domain.
 */
export type LatLon = Readonly<{ lat: number; lon: number }>;

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

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine, mean Earth radius): plenty for "within 250 m". */
export function haversineMeters(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
