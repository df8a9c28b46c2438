import { caseIdForReport } from '@yiwang/contracts';
import { fromReport } from './heating-complaints-consumer';

describe('which heating complaints can be the centre’s', () => {
  it('those named by a report’s case id, including hashed ones; not those heating opened itself', () => {
    expect(fromReport(caseIdForReport('wo-9d069d13ee6813361e347bc6fc87ad08'))).toBe(true);
    expect(fromReport(caseIdForReport('R:with:colons'))).toBe(true);
    expect(fromReport('MON-jz-hongxing-mp1-1')).toBe(false);
    expect(fromReport('HC-20261201-001')).toBe(false);
  });
});
