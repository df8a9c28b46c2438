import gcoord from 'gcoord';
import { ValidationError } from '@yiwang/kernel-core';
import { validateLatLon, type LatLon } from '../domain';

/**
 * The datums users' apps send. GPS and Open311 give WGS84; AMap/Gaode and Tencent maps give GCJ-02
 * ("Mars coordinates"); Baidu maps, common in citizens' apps, give BD-09. The last two are offset by
 * 300–600 m around the city, so a point must be converted before it is placed on the grid. The
 * conversions are a maintained library's (iterative inverse, millimetres from the published pairs),
 * not hand-written.
 */
export const COORDINATE_SYSTEMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type Crs = (typeof COORDINATE_SYSTEMS)[number];

const DATUM = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** Inside (roughly) China's bounding box; outside it, Chinese map apps give WGS84 as it is. */
export const insideChina = ({ lat, lon }: LatLon): boolean => lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;

export function parseCrs(raw: unknown, field = 'crs'): Crs {
  if (raw === undefined || raw === null || raw === '') return 'wgs84';
  if (typeof raw === 'string' && (COORDINATE_SYSTEMS as readonly string[]).includes(raw.toLowerCase())) return raw.toLowerCase() as Crs;
  throw new ValidationError(`${field} must be one of ${COORDINATE_SYSTEMS.join(', ')}`, [
    { field, message: `must be one of ${COORDINATE_SYSTEMS.join(', ')}` },
  ]);
}

function convert(p: LatLon, from: Crs, to: Crs): LatLon {
  if (from === to || !insideChina(p)) return p;
  const [lon, lat] = gcoord.transform<[number, number]>([p.lon, p.lat], DATUM[from], DATUM[to]);
  return { lat, lon };
}

/** Validates a declared point and returns it in WGS84. */
export function toWgs84(raw: unknown, crs: Crs, field = 'location'): LatLon {
  return convert(validateLatLon(raw, field), crs, 'wgs84');
}

/** A stored (WGS84) point as a map app of that datum would show it. */
export function fromWgs84(p: LatLon, crs: Crs): LatLon {
  return convert(p, 'wgs84', crs);
}
