import { caseIdForReport } from './case-ids';

describe('caseIdForReport', () => {
  it('prefixes safe report ids', () => {
    expect(caseIdForReport('R-20250303-0100')).toBe('C-R-20250303-0100');
  });

  it('hashes ids a stream id cannot carry, deterministically', () => {
    const a = caseIdForReport('weird:id/with spaces');
    expect(a).toMatch(/^C-h[0-9a-f]{40}$/);
    expect(caseIdForReport('weird:id/with spaces')).toBe(a);
    expect(caseIdForReport('x'.repeat(78))).toMatch(/^C-h[0-9a-f]{40}$/);
  });
});
