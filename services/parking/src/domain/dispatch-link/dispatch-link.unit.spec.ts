import { ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { evolveLink, handlingFeedback, requireAnswerable, shippedDispatchLinkRules, type DispatchCaseLink } from './dispatch-link';

const rules = shippedDispatchLinkRules();
const opened = {
  type: 'dispatch.case.opened.v1',
  data: { caseId: 'C-1', category: 'event.05.03', cellId: '410802001001001', district: '解放区' },
} as const;
const dispatched = (unitId: string) =>
  ({ type: 'dispatch.case.dispatched.v1', data: { caseId: 'C-1', unitId, deadline: '2026-03-02T12:00:00+08:00' } }) as const;

describe('the dispatch link', () => {
  it('keeps a 机动车乱停放 case and gives it the squad acting for the unit it went to', () => {
    const a = evolveLink(null, opened, 1, rules);
    const b = evolveLink(a, dispatched('dept.enforcement.jiefang'), 2, rules);
    expect(b).toMatchObject({ status: 'dispatched', squad: 'dept.parking.jiefang', unitId: 'dept.enforcement.jiefang', version: 2 });
    expect(evolveLink(b, { type: 'dispatch.case.closed.v1', data: { caseId: 'C-1' } }, 5, rules)).toMatchObject({ status: 'closed' });
  });

  it('ignores other categories, cases it never saw opened, and stale or repeated events', () => {
    expect(evolveLink(null, { ...opened, data: { ...opened.data, category: 'event.01.02' } }, 1, rules)).toBeNull();
    expect(evolveLink(null, dispatched('dept.enforcement.jiefang'), 2, rules)).toBeNull();
    const b = evolveLink(evolveLink(null, opened, 1, rules), dispatched('dept.enforcement.jiefang'), 2, rules);
    expect(evolveLink(b, dispatched('dept.enforcement.shanyang'), 2, rules)).toBe(b);
  });

  it('a unit without a parking squad leaves the case with no squad to answer it', () => {
    const b = evolveLink(evolveLink(null, opened, 1, rules), dispatched('dept.sanitation.jiefang'), 2, rules);
    expect(b).toMatchObject({ status: 'dispatched', squad: '' });
    expect(() => requireAnswerable(b, 'C-1', 'dept.parking.jiefang')).toThrow(ForbiddenError);
  });

  it('lets only the squad answer an open dispatched case', () => {
    const b = evolveLink(evolveLink(null, opened, 1, rules), dispatched('dept.enforcement.jiefang'), 2, rules) as DispatchCaseLink;
    expect(requireAnswerable(b, 'C-1', 'dept.parking.jiefang')).toBe(b);
    expect(() => requireAnswerable(b, 'C-1', 'dept.parking.shanyang')).toThrow(ForbiddenError);
    expect(() => requireAnswerable(null, 'C-9', 'dept.parking.jiefang')).toThrow(ValidationError);
    expect(() => requireAnswerable({ ...b, status: 'closed' }, 'C-1', 'dept.parking.jiefang')).toThrow(IllegalStateError);
    expect(() => requireAnswerable({ ...b, status: 'opened', squad: '' }, 'C-1', 'dept.parking.jiefang')).toThrow(ForbiddenError);
  });

  it('a closed violation gives its case the handling feedback, once per violation; a cancelled one gives none', () => {
    expect(handlingFeedback({ violationId: 'V-1', outcome: 'transferred', dispatchCaseId: 'C-1' })).toEqual({
      caseId: 'C-1',
      notes: expect.stringContaining('移交公安交管部门') as string,
      commandId: 'parking-feedback-V-1',
    });
    expect(handlingFeedback({ violationId: 'V-1', outcome: 'cancelled', dispatchCaseId: 'C-1' })).toBeNull();
    expect(handlingFeedback({ violationId: 'V-1', outcome: 'moved_on', dispatchCaseId: '' })).toBeNull();
  });
});
