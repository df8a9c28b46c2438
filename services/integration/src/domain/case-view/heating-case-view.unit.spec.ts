import { applyCaseChange, type CaseChange, type CaseView } from './case-view';
import { HEATING_CENTRE_MAPPING } from './heating-case-view';

const fold = (changes: CaseChange[]): CaseView | null => changes.reduce<CaseView | null>(applyCaseChange, null);
const h = (type: string, data: Record<string, unknown> = {}): CaseChange => ({ type: `heating.complaint.${type}.v1`, data });

describe('the centre’s view of a heating complaint (供热投诉)', () => {
  const received = h('received', {
    complaintId: 'C-R1',
    externalRef: 'R1',
    companyId: 'dept.heating.zhongzhou',
    measureDeadline: '2026-12-03T10:00:00+08:00',
  });

  it('received → accepted, measured / sub-standard / fixed → in progress, closed → closed, with the deadline in force', () => {
    const steps = [
      received,
      h('overdue_marked', { limit: 'measurement' }),
      h('supervised'),
      h('measured', { kind: 'initial', lowestDeci: 159, compliant: false }),
      h('substandard_found', { lowestDeci: 159, fixDeadline: '2026-12-04T11:00:00+08:00' }),
      h('fix_reported', { notes: '管网排气' }),
      h('measured', { kind: 'remeasurement', lowestDeci: 182, compliant: true }),
      h('restored', { days: 2 }),
      h('refund_computed', { refundCents: 2160, percent: 50 }),
      h('refund_approved', { refundCents: 2160 }),
      h('closed', { outcome: 'refunded' }),
    ];
    const views = steps
      .map((_, i) => fold(steps.slice(0, i + 1))!)
      .map((v) => `${v.state}|${v.unitId ?? ''}|${v.deadline ?? ''}|${v.overdue ? 'overdue' : ''}|${v.result}`);
    expect(views).toEqual([
      'registered|dept.heating.zhongzhou|2026-12-03T10:00:00+08:00||供热企业待入户测温',
      'registered|dept.heating.zhongzhou|2026-12-03T10:00:00+08:00|overdue|供热企业待入户测温',
      'registered|dept.heating.zhongzhou|2026-12-03T10:00:00+08:00|overdue|供热企业待入户测温',
      'in_progress|dept.heating.zhongzhou|2026-12-03T10:00:00+08:00|overdue|入户测温 最低 15.9 ℃ 不达标',
      'in_progress|dept.heating.zhongzhou|2026-12-04T11:00:00+08:00|overdue|室温不达标 最低 15.9 ℃，限期整改',
      'in_progress|dept.heating.zhongzhou|2026-12-04T11:00:00+08:00|overdue|整改完成待复测: 管网排气',
      'in_progress|dept.heating.zhongzhou|2026-12-04T11:00:00+08:00|overdue|入户测温 最低 18.2 ℃ 达标',
      'in_progress|dept.heating.zhongzhou||overdue|复测达标，不达标 2 天',
      'in_progress|dept.heating.zhongzhou||overdue|应退费 21.60 元（50%）',
      'in_progress|dept.heating.zhongzhou||overdue|退费已核准 21.60 元',
      'closed|dept.heating.zhongzhou|||退费已核准 21.60 元',
    ]);
    expect(fold(steps)).toMatchObject({ caseId: 'C-R1', reportId: 'R1', category: 'event.06.01' });
  });

  it('a compliant first measurement closes without a fix; a third-party order keeps it in progress', () => {
    expect(fold([received, h('acknowledged'), h('third_party_ordered')])?.state).toBe('in_progress');
    expect(fold([received, h('measured', { compliant: true, lowestDeci: 185 }), h('closed', { outcome: 'compliant' })])?.state).toBe(
      'closed',
    );
  });

  it('events before the complaint was seen, and unmapped types, change nothing', () => {
    expect(fold([h('measured', { compliant: true })])).toBeNull();
    expect(fold([received, h('personal_data_erased')])).toEqual(fold([received]));
    expect(Object.keys(HEATING_CENTRE_MAPPING)).not.toContain('heating.complaint.personal_data_erased.v1');
  });
});
