import { ValidationError } from '@yiwang/kernel-core';
import { shippedCodeTable, CategoryCodeTable } from './category-code-table';
import { validateWorkOrder, type WorkOrderInput } from './work-order';

const now = new Date('2026-11-23T02:00:00Z');
const table = shippedCodeTable();
const good: WorkOrderInput = {
  externalId: '12345-20261123-0001',
  source: 'hotline_12345',
  categoryCode: 'SR-0102',
  location: { lat: 35.24, lon: 113.23 },
  crs: 'gcj02',
  address: '解放区民主路',
  description: '路边垃圾堆积',
  contacts: [{ name: '张三', phone: '13800000000' }],
  deadline: new Date('2026-11-24T02:00:00Z'),
};

const violationsOf = (input: WorkOrderInput): string[] => {
  try {
    validateWorkOrder(input, table, now);
  } catch (e) {
    if (e instanceof ValidationError) return e.violations.map((v) => v.field);
    throw e;
  }
  throw new Error('accepted');
};

describe('work orders from the centre', () => {
  it('maps the centre’s category through the code table and keeps the first contact', () => {
    expect(validateWorkOrder(good, table, now)).toMatchObject({
      category: 'event.01.02',
      centreCategory: 'SR-0102',
      contact: { name: '张三', phone: '13800000000' },
      description: '路边垃圾堆积（解放区民主路）',
    });
  });

  it('names every field that is wrong, at once', () => {
    expect(
      violationsOf({
        ...good,
        externalId: 'bad id!',
        source: 'unspecified',
        categoryCode: 'XX-9999',
        description: ' ',
        deadline: new Date('2026-11-22T00:00:00Z'),
      }),
    ).toEqual(['external_id', 'source', 'category_code', 'description', 'deadline']);
    expect(violationsOf({ ...good, location: undefined })).toEqual(['location']);
    expect(violationsOf({ ...good, location: { lat: 91, lon: 0.5 } })).toEqual(['location.latitude']);
    expect(violationsOf({ ...good, contacts: [{ name: '', phone: 'call me' }] })).toEqual(['contacts[0].phone']);
  });

  it('the code table is data: both directions, duplicates refused', () => {
    expect(table.centreCodeOf('event.01.02')).toBe('SR-0102');
    expect(table.yiwangCodeOf('12345-0102')).toBe('event.01.02');
    expect(
      () =>
        new CategoryCodeTable('t', [
          { centre: 'A', centreName: 'a', yiwang: 'x' },
          { centre: 'A', centreName: 'b', yiwang: 'y' },
        ]),
    ).toThrow(/twice/);
  });
});
