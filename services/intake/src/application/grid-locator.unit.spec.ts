import { ValidationError } from '@yiwang/kernel-core';
import { cellCentre, shippedUnitGrid } from '../domain';
import { fromWgs84, toWgs84 } from './coordinate-systems';
import { parseForm } from '../adapters/http/open311-routes';
import { GridLocator } from './grid-locator';

const grid = shippedUnitGrid();
const locator = new GridLocator(grid);

describe('GridLocator', () => {
  it('finds the cell of every cell centre', () => {
    for (const cell of [...grid.cells.values()].slice(0, 50)) expect(locator.locate(cellCentre(cell))?.cellId).toBe(cell.id);
  });
  it('a point in the city but on no cell is null; outside the city is a ValidationError', () => {
    expect(locator.locate({ lat: 35.19, lon: 113.28 })).toBeNull();
    expect(() => locator.locate({ lat: 34.75, lon: 113.62 })).toThrow(ValidationError);
  });
  it.each(['gcj02', 'bd09'] as const)('a %s point lands in the right cell after conversion', (crs) => {
    const cell = [...grid.cells.values()][7]!;
    const shown = fromWgs84(cellCentre(cell), crs);
    expect(locator.locate(toWgs84(shown, crs))?.cellId).toBe(cell.id);
  });
  it('knows cells by id', () => {
    const cell = [...grid.cells.values()][0]!;
    expect(locator.cell(cell.id).district).toBe(cell.district);
    expect(() => locator.cell('999999999999999')).toThrow(ValidationError);
  });
});

it('parses Open311 form bodies with attribute[...] keys', () => {
  expect(parseForm('service_code=event.01.02&lat=35.2&attribute%5BWHISPER%5D=x&lat=1')).toEqual({
    service_code: 'event.01.02',
    lat: '35.2',
    attribute: { WHISPER: 'x' },
  });
});
