import { deciderSpec, ValidationError } from '@yiwang/kernel-core';
import { shippedCategoryTable } from '../categories/category';
import { isHouseholdComplaint } from './handover';
import { reportDecider } from './report-decide';
import { type CategorySnapshot, type ReportEvent } from './report-events';
import { AT, LATER, REPORT_ID, cell, filed, location, receive, received, supervisor } from './report-fixtures';

const spec = deciderSpec(reportDecider);

const roomTemperature: CategorySnapshot = {
  code: 'event.06.01' as CategorySnapshot['code'],
  urgency: 'high',
  unitType: 'heating',
  deadline: { amount: 1, unit: 'working_days' },
};
const household = { compound: 'jz-hongxing', building: '3', unit: '2', room: '501' };
const heatingFiled = (by: 'rule' | 'centre', channel: 'opscenter' | 'citizen', note: string): ReportEvent => ({
  type: 'intake.report.filed.v1',
  data: {
    reportId: REPORT_ID,
    by,
    category: roomTemperature,
    cell,
    location,
    note,
    filedAt: by === 'rule' ? AT : LATER,
    handover: { service: 'heating', household, description: '路边垃圾堆积', channel },
  },
});

describe('a household heating complaint is handed to heating once filed', () => {
  it('an operations-centre order naming the flat is filed at once and handed over', () => {
    const extra = { externalId: '12345-0001', category: roomTemperature, household };
    spec
      .given([])
      .when(receive('opscenter', extra))
      .then([received('opscenter', extra), heatingFiled('rule', 'opscenter', 'auto-filed: opscenter')]);
  });

  it('a citizen complaint waits for filing, and the centre’s filing hands it over', () => {
    const extra = { category: roomTemperature, household };
    spec
      .given([received('citizen', extra)])
      .when({ type: 'FileReport', actor: supervisor, data: { at: LATER } })
      .then([heatingFiled('centre', 'citizen', '')]);
  });

  it('a heating category without a household (a burst pipe in the street) is dispatched as before', () => {
    const pipe = { ...roomTemperature, code: 'event.04.04' as CategorySnapshot['code'] };
    spec
      .given([])
      .when(receive('opscenter', { externalId: '12345-0002', category: pipe }))
      .then([
        received('opscenter', { externalId: '12345-0002', category: pipe }),
        {
          ...filed('rule', 'auto-filed: opscenter'),
          data: { ...filed('rule', 'auto-filed: opscenter').data, category: pipe },
        } as ReportEvent,
      ]);
  });

  it('refuses a household on another category, and a malformed household', () => {
    spec
      .given([])
      .when(receive('opscenter', { externalId: 'X-1', household }))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/only a heating complaint/));
    spec
      .given([])
      .when(receive('opscenter', { externalId: 'X-2', category: roomTemperature, household: { ...household, room: '' } }))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('household.room'));
    spec
      .given([])
      .when(receive('opscenter', { externalId: 'X-3', category: roomTemperature, household: { ...household, compound: 'a:b' } }))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('household.compound'));
  });
});

describe('which categories are households’ complaints (the flat is asked for)', () => {
  it('in the shipped table: indoor temperature only, not heating’s street assets or emergencies', () => {
    const table = shippedCategoryTable();
    const heating = [...table.categories.values()].filter((c) => c.unitType === 'heating');
    expect(heating.map((c) => c.code).sort()).toEqual(['component.01.07', 'event.04.04', 'event.06.01']);
    expect(heating.filter(isHouseholdComplaint).map((c) => c.code)).toEqual(['event.06.01']);
    expect([...table.categories.values()].filter((c) => c.unitType !== 'heating').some(isHouseholdComplaint)).toBe(false);
  });
});
