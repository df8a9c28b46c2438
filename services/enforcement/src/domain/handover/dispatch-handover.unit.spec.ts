import shipped from '../../../data/dispatch-handover.json';
import {
  evolveDispatchLink,
  handlingFeedback,
  handoverSource,
  parseHandoverRules,
  unitOfSquad,
  type DispatchCaseEvent,
  type DispatchCaseLink,
} from './dispatch-handover';

const rules = parseHandoverRules(shipped);
const opened = (category: string): DispatchCaseEvent => ({
  type: 'dispatch.case.opened.v1',
  data: { caseId: 'C-1', category, cellId: '410802001001001', district: '解放区' },
});
const dispatched = (unitId: string): DispatchCaseEvent => ({ type: 'dispatch.case.dispatched.v1', data: { caseId: 'C-1', unitId } });
const closed: DispatchCaseEvent = { type: 'dispatch.case.closed.v1', data: { caseId: 'C-1' } };

const fold = (...events: DispatchCaseEvent[]): DispatchCaseLink | null =>
  events.reduce<DispatchCaseLink | null>((cur, e, i) => evolveDispatchLink(cur, e, i + 1, rules), null);

describe('the link to a dispatch case', () => {
  it('keeps penalty categories only, and learns the unit and its squad from the dispatch', () => {
    expect(fold(opened('event.04.01'), dispatched('dept.enforcement.jiefang'))).toBeNull();
    expect(fold(opened('event.01.01'), dispatched('dept.enforcement.jiefang'))).toMatchObject({
      status: 'dispatched',
      unitId: 'dept.enforcement.jiefang',
      squadId: 'squad.jiefang.1',
      version: 2,
    });
    expect(fold(opened('event.01.01'), dispatched('dept.municipal.jiefang'))).toMatchObject({
      unitId: 'dept.municipal.jiefang',
      squadId: '',
    });
  });

  it('机动车乱停放 is parking’s to answer, not a source of its own', () => {
    expect(fold(opened('event.05.03'), dispatched('dept.enforcement.jiefang'))).toBeNull();
  });

  it('ignores a redelivered or older event (by the case stream’s version)', () => {
    const link = fold(opened('event.01.01'), dispatched('dept.enforcement.jiefang'), closed)!;
    expect(evolveDispatchLink(link, dispatched('dept.enforcement.shanyang'), 2, rules)).toBe(link);
    expect(link.status).toBe('closed');
  });

  it('hands over a case dispatched to a brigade while open; not one closed, nor one of another unit', () => {
    const source = handoverSource(fold(opened('event.01.01'), dispatched('dept.enforcement.jiefang'))!, rules);
    expect(source).toMatchObject({
      squadId: 'squad.jiefang.1',
      district: '解放区',
      source: { kind: 'dispatch_case', ref: 'C-1', category: 'event.01.01', location: '网格 410802001001001' },
    });
    expect(source!.source.description).toMatch(/^私搭乱建: 闭环案件 C-1 派遣至 dept.enforcement.jiefang/);
    expect(handoverSource(fold(opened('event.01.01'), dispatched('dept.enforcement.jiefang'), closed)!, rules)).toBeNull();
    expect(handoverSource(fold(opened('event.01.01'), dispatched('dept.municipal.jiefang'))!, rules)).toBeNull();
  });

  it('refuses rules that are not a category map and a squad map', () => {
    expect(() => parseHandoverRules({ penaltyCategories: { 私搭乱建: 'x' }, squads: {} })).toThrow(/category codes/);
    expect(() => parseHandoverRules({ penaltyCategories: {}, squads: { 'dept.enforcement.jiefang': '' } })).toThrow(/squads/);
  });
});

describe('the handling feedback (处理反馈) when the enforcement case ends', () => {
  const fromDispatch = { caseId: 'EF-C-1', squadId: 'squad.jiefang.1', source: { kind: 'dispatch_case', ref: 'C-1' } };

  it('closed (结案) or not filed (不予立案), once by its command id, for the brigade', () => {
    expect(
      handlingFeedback(fromDispatch, { type: 'enforcement.case.closed.v1', data: { result: '罚款已缴纳' } }, 'dept.enforcement.jiefang'),
    ).toEqual({
      caseId: 'C-1',
      unitId: 'dept.enforcement.jiefang',
      notes: '执法案件 EF-C-1 已结案：罚款已缴纳',
      commandId: 'enforcement-feedback-EF-C-1',
    });
    expect(
      handlingFeedback(fromDispatch, { type: 'enforcement.case.not_filed.v1', data: { reason: '情节轻微' } }, 'dept.enforcement.jiefang'),
    ).toMatchObject({ notes: '执法案件 EF-C-1 经核查不予立案：情节轻微', commandId: 'enforcement-feedback-EF-C-1' });
  });

  it('none for a case of another source', () => {
    const own = { ...fromDispatch, source: { kind: 'own_discovery', ref: '' } };
    expect(handlingFeedback(own, { type: 'enforcement.case.closed.v1', data: { result: 'x' } }, 'dept.enforcement.jiefang')).toBeNull();
  });

  it('a squad answers for its brigade', () => {
    expect(unitOfSquad(rules, 'squad.shanyang.1')).toBe('dept.enforcement.shanyang');
    expect(unitOfSquad(rules, 'squad.unknown')).toBe('');
  });
});
