import { ValidationError } from '@yiwang/kernel-core';
import { shippedStandards } from '../standards/standards';
import { importCsv, importGeoJson, parseCsv } from './facility-import';

const standards = shippedStandards();
const HEADER =
  'facilityId,kind,name,district,contractor,geometry,cells,lengthM,areaM2,grade,toiletClass,siting,opensAt,closesAt,capacityTonnesPerDay';

describe('CSV parsing (RFC 4180)', () => {
  it('reads quoted fields with commas, quotes and newlines, and CRLF line ends', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
  });
  it('skips a BOM and blank lines', () => expect(parseCsv('\uFEFFa\n\nb\n')).toEqual([['a'], ['b']]));
});

describe('importCsv: good rows imported, bad rows listed', () => {
  const csv = [
    HEADER,
    '4108020399000001,road,人民路,解放区,contractor.huanjie,113.20 35.23; 113.21 35.23,410802001001001,1200,36000,1,,,,,',
    '4108020301000001,toilet,"公厕, 人民公园",解放区,contractor.huanjie,113.2 35.23,,,,,2,standalone,06:00,22:00,',
    '4108020399000002,road,建设路,解放区,contractor.huanjie,113.20 35.23; 113.21 35.23,,-10,36000,1,,,,,',
    '4108020301000002,road,错类,解放区,contractor.huanjie,113.20 35.23; 113.21 35.23,,100,300,1,,,,,',
    '4108020399000001,road,人民路重复,解放区,contractor.huanjie,113.20 35.23; 113.21 35.23,,1200,36000,1,,,,,',
    '4108020302000001,transfer_station,焦北中转站,解放区,contractor.huanjie,113.2 35.23,,,,,,,,,120',
  ].join('\n');
  const result = importCsv(csv, standards);

  it('keeps the valid rows', () => {
    expect(result.accepted.map((f) => f.facilityId)).toEqual(['4108020399000001', '4108020301000001', '4108020302000001']);
    expect(result.accepted[1]).toMatchObject({
      name: '公厕, 人民公园',
      location: { type: 'Point', coordinates: [{ lon: 113.2, lat: 35.23 }] },
    });
  });
  it('lists each bad row with its spreadsheet row number and reason', () => {
    expect(result.rejected).toEqual([
      { row: 4, facilityId: '4108020399000002', errors: [expect.stringMatching(/^lengthM/)] },
      { row: 5, facilityId: '4108020301000002', errors: [expect.stringMatching(/class 03.99/)] },
      { row: 6, facilityId: '4108020399000001', errors: ['facilityId: duplicate of row 2'] },
    ]);
  });
  it('refuses a header with unknown columns as a whole', () =>
    expect(() => importCsv('facilityId,kind,colour\n', standards)).toThrow(ValidationError));
  it('refuses an empty file', () => expect(() => importCsv('', standards)).toThrow(ValidationError));
});

describe('importGeoJson', () => {
  it('reads features, properties as columns and the geometry as the location', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [113.2, 35.23] },
          properties: {
            facilityId: '4108020303000001',
            kind: 'litter_bin',
            name: '果皮箱1',
            district: '解放区',
            contractor: 'contractor.huanjie',
          },
        },
        {
          type: 'Feature',
          geometry: null,
          properties: {
            facilityId: '4108020303000002',
            kind: 'litter_bin',
            name: '果皮箱2',
            district: '解放区',
            contractor: 'contractor.huanjie',
          },
        },
      ],
    };
    const r = importGeoJson(JSON.stringify(fc), standards);
    expect(r.accepted).toHaveLength(1);
    expect(r.rejected).toEqual([{ row: 2, facilityId: '4108020303000002', errors: [expect.stringMatching(/^location/)] }]);
  });
  it('refuses what is not a FeatureCollection', () => {
    expect(() => importGeoJson('{', standards)).toThrow(ValidationError);
    expect(() => importGeoJson('{"type":"Feature"}', standards)).toThrow(ValidationError);
  });
});
