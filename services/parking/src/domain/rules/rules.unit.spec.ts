import { ValidationError } from '@yiwang/kernel-core';
import { parsePlate } from '../shared/plate';
import { locate, shippedCameraRegister, shippedCityGrid, shippedParkingRules } from './city-grid';
import { parseParkingRules } from './parking-rules';
import rulesData from '../../../data/parking-rules.json';

describe('mainland plates (GA 36)', () => {
  it.each([
    ['豫H12345', 'ordinary'],
    ['豫 h·1234学', 'ordinary'],
    ['京A1234挂', 'ordinary'],
    ['豫HD12345', 'new_energy'],
    ['粤BFA1234', 'new_energy'],
    ['沪A12345D', 'new_energy'],
  ])('%s is a %s plate', (raw, kind) => {
    expect(parsePlate(raw).kind).toBe(kind);
  });

  it.each(['豫H1234', '豫HI2345', '豫HO2345', 'XX12345', '豫H123456', '豫HD12A45', '豫HA12345', '', '豫H12345DD'])(
    '%s is refused with the formats named',
    (raw) => {
      expect(() => parsePlate(raw)).toThrow(ValidationError);
      expect(() => parsePlate(raw)).toThrow(/7 characters like 豫H12345, or 8 for new-energy/);
    },
  );
});

describe('the city grid', () => {
  const grid = shippedCityGrid();
  it('coordinates resolve to a cell, the district box and the road', () => {
    expect(locate(grid, 35.2401, 113.2337, ' 人民路 ')).toEqual({
      lat: 35.2401,
      lon: 113.2337,
      cellId: 'P0140-0233',
      district: '解放区',
      road: '人民路',
    });
    expect(locate(grid, 35.15, 113.05, '乡道').district).toBe('市辖其他');
  });

  it('outside the city, non-numbers and a missing road are refused', () => {
    expect(() => locate(grid, 39.9, 116.4, '长安街')).toThrow(/outside 焦作市/);
    expect(() => locate(grid, Number.NaN, 113.2, '人民路')).toThrow(ValidationError);
    expect(() => locate(grid, 35.24, 113.23, '')).toThrow(ValidationError);
  });
});

describe('rules and register as data', () => {
  it('the shipped rules and register load', () => {
    expect(shippedParkingRules().comeForwardWithin).toEqual({ amount: 7, unit: 'working_days' });
    expect(shippedCameraRegister().get('CAM-JF-001')?.squad).toBe('dept.parking.jiefang');
  });

  it('a city table outside 20–200 yuan, or a surcharge above 3 %, is refused', () => {
    expect(() => parseParkingRules({ ...rulesData, fines: { ...rulesData.fines, fire_lane: 500 } })).toThrow(/20–200/);
    expect(() => parseParkingRules({ ...rulesData, fines: { ...rulesData.fines, pavement: 10 } })).toThrow(ValidationError);
    expect(() => parseParkingRules({ ...rulesData, surchargePercentPerDay: 5 })).toThrow(/Art 72/);
    expect(() => parseParkingRules({ ...rulesData, comeForwardWithin: 'a week' })).toThrow(ValidationError);
  });
});
