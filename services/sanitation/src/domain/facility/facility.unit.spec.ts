import { deciderSpec, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { facilityDecider, type FacilityEvent } from './facility';
import { shippedStandards } from '../standards/standards';
import { parseComponentId } from '../shared/values';

const standards = shippedStandards();
const spec = deciderSpec(facilityDecider);
const admin = { subject: 'li.hua', department: 'dept.sanitation.city', roles: ['sanitation.admin'] };
const contractor = { subject: 'zhang.san', department: 'contractor.huanjie', roles: [] };
const AT = '2025-03-01T09:00:00+08:00';
const road = {
  facilityId: '4108020399000001',
  kind: 'road',
  name: '人民路',
  district: '解放区',
  contractor: 'contractor.huanjie',
  location: {
    type: 'LineString',
    coordinates: [
      { lon: 113.2, lat: 35.23 },
      { lon: 113.21, lat: 35.23 },
    ],
  },
  cells: ['410802001001001'],
  lengthM: 1200,
  areaM2: 36000,
  grade: '1',
};
const registered: FacilityEvent = { type: 'sanitation.facility.registered.v1', data: { ...road, registeredAt: AT } as never };
const register = (details: Record<string, unknown>, actor = admin) =>
  spec.given([]).when({ type: 'RegisterFacility', actor, data: { details, standards, at: AT } });

describe('component ids 部件编码 (division 6 + major 2 + minor 2 + serial 6)', () => {
  it('splits a valid id', () => {
    expect(parseComponentId('4108020301000123')).toMatchObject({ division: '410802', major: '03', minor: '01', serial: '000123' });
  });
  it.each([
    ['too short', '41080203010001'],
    ['letters', '41080203010001AB'],
    ['no such province', '9908020301000123'],
    ['a province, not a district', '4100000301000123'],
    ['serial zero', '4108020301000000'],
  ])('refuses %s', (_why, id) => {
    expect(() => parseComponentId(id)).toThrow(ValidationError);
  });
});

describe('RegisterFacility', () => {
  it('registers a road with its cleaning grade', () => register(road).then([registered]));
  it('the class in the id must match the kind: a toilet id (03.01) is not a road', () =>
    register({ ...road, facilityId: '4108020301000001' }).thenThrows(ValidationError, (e) =>
      expect(e.violations[0]?.message).toMatch(/class 03.99/),
    ));
  it('reads GeoJSON positions too', () =>
    register({
      ...road,
      location: {
        type: 'LineString',
        coordinates: [
          [113.2, 35.23],
          [113.21, 35.23],
        ],
      },
    }).then([registered]));
  it('a position off the globe is refused', () =>
    register({
      ...road,
      location: {
        type: 'LineString',
        coordinates: [
          [213.2, 35.23],
          [113.21, 35.23],
        ],
      },
    }).thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('location.coordinates[0]')));
  it('the grade must be one of the standards', () =>
    register({ ...road, grade: '4' }).thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('grade')));
  it('a road is a line, not a point', () =>
    register({ ...road, location: { type: 'Point', coordinates: [{ lon: 113.2, lat: 35.23 }] } }).thenThrows(ValidationError));
  it('a road needs a positive length', () => register({ ...road, lengthM: -5 }).thenThrows(ValidationError));
  it('grid cells have 15 digits', () =>
    register({ ...road, cells: ['4108'] }).thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('cells[0]')));
  it('registers a toilet with class, siting and hours', () => {
    const toilet = {
      facilityId: '4108020301000007',
      kind: 'toilet',
      name: '人民公园公厕',
      district: '解放区',
      contractor: 'contractor.huanjie',
      location: { type: 'Point', coordinates: [{ lon: 113.2, lat: 35.23 }] },
      cells: [],
      toiletClass: '2',
      siting: 'standalone',
      opensAt: '06:00',
      closesAt: '22:00',
    };
    register(toilet).then([{ type: 'sanitation.facility.registered.v1', data: { ...toilet, registeredAt: AT } as never }]);
    register({ ...toilet, closesAt: '05:00' }).thenThrows(ValidationError);
    register({ ...toilet, siting: 'floating' }).thenThrows(ValidationError);
    register({ ...toilet, toiletClass: '9' }).thenThrows(ValidationError);
  });
  it('a transfer station needs its capacity', () => {
    const station = {
      facilityId: '4108020302000001',
      kind: 'transfer_station',
      name: '焦北中转站',
      district: '解放区',
      contractor: 'contractor.huanjie',
      location: { type: 'Point', coordinates: [{ lon: 113.2, lat: 35.23 }] },
    };
    register(station).thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('capacityTonnesPerDay'));
    register({ ...station, capacityTonnesPerDay: 150 }).then([
      { type: 'sanitation.facility.registered.v1', data: { ...station, cells: [], capacityTonnesPerDay: 150, registeredAt: AT } as never },
    ]);
  });
  it('only the register keepers may register', () => register(road, contractor).thenThrows(ForbiddenError));
  it('the same details again change nothing (a re-import); different ones must be an update', () => {
    spec
      .given([registered])
      .when({ type: 'RegisterFacility', actor: admin, data: { details: road, standards, at: AT } })
      .then([]);
    spec
      .given([registered])
      .when({ type: 'RegisterFacility', actor: admin, data: { details: { ...road, grade: '2' }, standards, at: AT } })
      .thenThrows(IllegalStateError);
  });
});

describe('UpdateFacility and RetireFacility', () => {
  it('an update records the new details', () =>
    spec
      .given([registered])
      .when({ type: 'UpdateFacility', actor: admin, data: { details: { ...road, grade: '2' }, standards, at: AT } })
      .then([{ type: 'sanitation.facility.updated.v1', data: { ...road, grade: '2', updatedAt: AT } as never }]));
  it('an unchanged update records nothing', () =>
    spec
      .given([registered])
      .when({ type: 'UpdateFacility', actor: admin, data: { details: road, standards, at: AT } })
      .then([]));
  it('a facility cannot change kind', () =>
    spec
      .given([registered])
      .when({
        type: 'UpdateFacility',
        actor: admin,
        data: {
          details: {
            ...road,
            facilityId: '4108020303000001',
            kind: 'litter_bin',
            location: { type: 'Point', coordinates: [{ lon: 113.2, lat: 35.23 }] },
          },
          standards,
          at: AT,
        },
      })
      .thenThrows(IllegalStateError));
  it('an unknown facility is not found', () =>
    spec
      .given([])
      .when({ type: 'UpdateFacility', actor: admin, data: { details: road, standards, at: AT } })
      .thenThrows(NotFoundError));
  it('retires with a reason, once', () => {
    const retired: FacilityEvent = {
      type: 'sanitation.facility.retired.v1',
      data: { facilityId: road.facilityId, reason: '道路改造', retiredAt: AT },
    };
    spec
      .given([registered])
      .when({ type: 'RetireFacility', actor: admin, data: { reason: '道路改造', at: AT } })
      .then([retired]);
    spec
      .given([registered, retired])
      .when({ type: 'RetireFacility', actor: admin, data: { reason: '道路改造', at: AT } })
      .then([]);
    spec
      .given([registered, retired])
      .when({ type: 'UpdateFacility', actor: admin, data: { details: road, standards, at: AT } })
      .thenThrows(IllegalStateError);
  });
});

describe('ImportFacility: a row of an import file, decided by the stream itself', () => {
  const row = (details: Record<string, unknown>) =>
    ({ type: 'ImportFacility', actor: admin, data: { details, standards, at: AT } }) as const;
  it('a new facility is registered', () => spec.given([]).when(row(road)).then([registered]));
  it('the same row again is nothing', () => spec.given([registered]).when(row(road)).then([]));
  it('a changed row is an update', () =>
    spec
      .given([registered])
      .when(row({ ...road, grade: '2' }))
      .then([{ type: 'sanitation.facility.updated.v1', data: { ...road, grade: '2', updatedAt: AT } as never }]));
  it('a retired facility is not brought back by a file', () =>
    spec
      .given([registered, { type: 'sanitation.facility.retired.v1', data: { facilityId: road.facilityId, reason: '拆除', retiredAt: AT } }])
      .when(row(road))
      .thenThrows(IllegalStateError));
  it('only the register keepers import', () =>
    spec
      .given([])
      .when({ ...row(road), actor: contractor })
      .thenThrows(ForbiddenError));
});
