import { ENFORCEMENT_EVENT_TYPES } from '@yiwang/enforcement';
import { type CaseChange, type CaseView } from './case-view';
import {
  applyCentreChange,
  applyEnforcementChange,
  ENFORCEMENT_CENTRE_MAPPING,
  parseEnforcementCentreMapping,
} from './enforcement-case-view';

const e = (type: string, data: Record<string, unknown> = {}): CaseChange => ({ type: `enforcement.case.${type}.v1`, data });
const fold = (changes: CaseChange[]): CaseView | null => changes.reduce<CaseView | null>(applyCentreChange, null);
const line = (v: CaseView) => `${v.state}|${v.deadline ?? ''}|${v.overdue ? 'overdue|' : ''}${v.result}`;

describe('the centre’s view of an enforcement case (mapping as data)', () => {
  const registered = e('source_registered', {
    caseId: 'EF-C-1',
    squadId: 'squad.jiefang.1',
    source: { kind: 'dispatch_case', ref: 'C-1', category: 'event.01.01' },
    party: null,
    checkDeadline: '2026-03-20T10:00:00.000Z',
    reportId: 'R-1',
    unitId: 'dept.enforcement.jiefang',
  });

  it('follows the procedure: registered → in progress (filed, decided, court) → closed, with progress notes and legal deadlines', () => {
    const steps = [
      registered,
      e('party_identified', { party: { name: '王小明' } }),
      e('investigation_recorded', { kind: 'inspection' }),
      e('filed', { cause: '未取得规划许可擅自搭建', decisionDeadline: '2026-06-01T16:00:00.000Z' }),
      e('prior_notice_served'),
      e('decided', { outcome: 'penalty', serviceDeadline: '2026-04-10T10:00:00.000Z' }),
      e('decision_published', { penaltySummary: '罚款 8000.00 元' }),
      e('decision_served', { paymentDeadline: '2026-04-25T16:00:00.000Z' }),
      e('deadline_missed', { kind: 'payment' }),
      e('payment_demanded'),
      e('court_enforcement_applied'),
      e('court_ruling_recorded', { ruling: 'enforce' }),
      e('closed', { result: '法院强制执行完毕' }),
      e('archived'),
    ];
    const lines = steps.map((_, i) => line(fold(steps.slice(0, i + 1))!));
    expect(lines).toEqual([
      'registered|2026-03-20T10:00:00.000Z|已移交执法中队 squad.jiefang.1 核查（案源）',
      // The party is not the centre's: the view is unchanged (the event still counts in the sequence).
      'registered|2026-03-20T10:00:00.000Z|已移交执法中队 squad.jiefang.1 核查（案源）',
      'in_progress|2026-03-20T10:00:00.000Z|调查取证：现场检查',
      'in_progress|2026-06-01T16:00:00.000Z|已立案：未取得规划许可擅自搭建',
      'in_progress|2026-06-01T16:00:00.000Z|已送达行政处罚事先告知书',
      'in_progress|2026-04-10T10:00:00.000Z|已作出决定：给予行政处罚',
      'in_progress|2026-04-10T10:00:00.000Z|处罚决定已公示：罚款 8000.00 元',
      'in_progress|2026-04-25T16:00:00.000Z|处罚决定书已送达',
      'in_progress|2026-04-25T16:00:00.000Z|overdue|处罚决定书已送达',
      'in_progress||overdue|逾期未缴纳罚款，已催告',
      'in_progress||overdue|已申请人民法院强制执行',
      'in_progress||overdue|法院裁定：准予强制执行',
      'closed||已结案：法院强制执行完毕',
      'closed||已结案：法院强制执行完毕',
    ]);
    expect(fold(steps)).toMatchObject({ caseId: 'EF-C-1', reportId: 'R-1', category: 'event.01.01', unitId: 'dept.enforcement.jiefang' });
  });

  it('a lead not filed closes at the centre with the reason', () => {
    expect(line(fold([registered, e('not_filed', { reason: '情节轻微, 已改正' })])!)).toBe('closed||不予立案：情节轻微, 已改正');
  });

  it('no view before the case’s first event; dispatch’s events keep their own fold', () => {
    expect(applyEnforcementChange(null, e('filed', { cause: 'x' }))).toBeNull();
    expect(fold([{ type: 'dispatch.case.opened.v1', data: { caseId: 'C-1', reportId: 'R-1', category: 'event.01.01' } }])).toMatchObject({
      caseId: 'C-1',
      state: 'registered',
    });
  });

  it('maps only event types enforcement publishes, into the centre’s states; a wrong table is refused at load', () => {
    for (const type of Object.keys(ENFORCEMENT_CENTRE_MAPPING.events)) expect(ENFORCEMENT_EVENT_TYPES).toContain(type);
    expect(() => parseEnforcementCentreMapping({ events: { 'enforcement.case.filed.v1': { state: 'filed' } } })).toThrow(
      /state filed is not one of the centre's/,
    );
    expect(() => parseEnforcementCentreMapping({ events: { 'dispatch.case.closed.v1': {} } })).toThrow(/not an enforcement case event/);
  });
});
