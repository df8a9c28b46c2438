import { ValidationError } from '@yiwang/kernel-core';
import { type Place } from '../shared/values';
import gridData from '../../../data/city-grid.json';
import rulesData from '../../../data/parking-rules.json';
import cameraData from '../../../data/camera-register.json';
import { parseParkingRules, type ParkingRules } from './parking-rules';
import { parseCameraRegister, type CameraRegister } from './camera-register';

type Box = Readonly<{ minLat: number; maxLat: number; minLon: number; maxLon: number }>;

/** The city's extent, its districts and the grid cells violations are counted in (data/city-grid.json). */
export type CityGrid = Readonly<{
  city: string;
  bounds: Box;
  cellSizeDegrees: number;
  districts: ReadonlyArray<Box & { name: string }>;
  otherDistrict: string;
}>;

const inside = (b: Box, lat: number, lon: number): boolean => lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon;

/** Coordinates → grid cell (`P<row>-<col>`), district and the given road; outside the city is refused. */
export function locate(grid: CityGrid, lat: unknown, lon: unknown, road: string, field = 'location'): Place {
  if (
    typeof lat !== 'number' ||
    typeof lon !== 'number' ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon) ||
    !inside(grid.bounds, lat, lon)
  ) {
    throw new ValidationError(`${field}: (${String(lat)}, ${String(lon)}) is outside ${grid.city}`, [
      { field, message: 'coordinates outside the city' },
    ]);
  }
  if (typeof road !== 'string' || road.trim() === '' || road.length > 100)
    throw new ValidationError(`${field}.road must name the road`, [{ field: `${field}.road`, message: 'empty or too long' }]);
  const row = Math.floor((lat - grid.bounds.minLat) / grid.cellSizeDegrees);
  const col = Math.floor((lon - grid.bounds.minLon) / grid.cellSizeDegrees);
  const district = grid.districts.find((d) => inside(d, lat, lon))?.name ?? grid.otherDistrict;
  return { lat, lon, cellId: `P${String(row).padStart(4, '0')}-${String(col).padStart(4, '0')}`, district, road: road.trim() };
}

export const shippedCityGrid = (): CityGrid => gridData as CityGrid;
export const shippedParkingRules = (): ParkingRules => parseParkingRules(rulesData as Parameters<typeof parseParkingRules>[0]);
export const shippedCameraRegister = (): CameraRegister => parseCameraRegister(cameraData);
