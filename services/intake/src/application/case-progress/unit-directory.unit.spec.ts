// The unit names intake shows must be the ones dispatch routes to: every unit of dispatch's shipped
// responsibility matrix is in intake's directory under the same id and name (a drift guard; the
// services share no code, only the unit ids their events carry).
import { shippedResponsibilityMatrix } from '@yiwang/dispatch';
import { shippedUnitDirectory, UnitDirectory } from './unit-directory';

describe('UnitDirectory', () => {
  it('names every unit of dispatch’s shipped responsibility matrix as dispatch does', () => {
    const directory = shippedUnitDirectory();
    const units = [...shippedResponsibilityMatrix().units.values()];
    expect(units.length).toBeGreaterThan(0);
    for (const u of units) expect(directory.unit(u.id)).toEqual({ id: u.id, name: u.name });
    expect(directory.size).toBe(units.length);
  });

  it('shows an unknown unit by its id, and refuses an entry without a name', () => {
    expect(shippedUnitDirectory().unit('dept.new.unit')).toEqual({
      id: 'dept.new.unit',
      name: { zh: 'dept.new.unit', en: 'dept.new.unit' },
    });
    expect(() => new UnitDirectory([{ id: 'dept.x', name: { zh: 'x' } as never }])).toThrow(/needs an id and a name/);
  });
});
