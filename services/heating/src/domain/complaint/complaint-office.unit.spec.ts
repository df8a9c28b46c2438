import { deciderSpec, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { complaintDecider } from './complaint-decider';
import { type ReceiveComplaint } from './complaint-commands';
import {
  company,
  COMPANY,
  HOUSEHOLD,
  hotline,
  ID,
  MEASURE_BY,
  measure,
  office,
  otherCompany,
  received,
  RECEIVED,
  SEASON_STARTS,
  system,
  t,
  TERMS,
} from './complaint-fixtures';

const spec = deciderSpec(complaintDecider);

const receive = (over: Partial<ReceiveComplaint['data']> = {}, actor = hotline): ReceiveComplaint => ({
  type: 'ReceiveComplaint',
  actor,
  data: {
    complaintId: ID,
    householdId: HOUSEHOLD,
    companyId: COMPANY,
    channel: 'hotline',
    description: '家里暖气不热, 室温只有15度',
    contact: { name: 'pd1.sealed-name', phone: 'pd1.sealed-phone', address: 'pd1.sealed-address' },
    externalRef: '12345-8812',
    terms: TERMS,
    seasonStartsAt: SEASON_STARTS,
    measureDeadline: MEASURE_BY,
    at: RECEIVED,
    ...over,
  },
});

describe('ReceiveComplaint 投诉受理', () => {
  it('a 12345 complaint names the household and its company; the measuring limit is 24 clock hours', () => {
    expect(MEASURE_BY).toBe('2026-12-02T01:00:00.000Z');
    spec.given([]).when(receive()).then([received]);
  });
  it('is refused outside the heating season, with a clear message', () => {
    spec
      .given([])
      .when(receive({ at: t('23:59', '2026-11-14'), measureDeadline: t('23:59', '2026-11-15') }))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/heating season/));
    spec
      .given([])
      .when(receive({ at: t('00:00', '2027-03-16'), measureDeadline: t('00:00', '2027-03-17') }))
      .thenThrows(ValidationError);
  });
  it('needs the intake or supervision role; a monitoring complaint needs the system', () => {
    spec.given([]).when(receive({}, company)).thenThrows(ForbiddenError);
    spec
      .given([])
      .when(receive({ channel: 'monitoring', pointId: 'jz-hongxing-mp1' }, hotline))
      .thenThrows(ForbiddenError);
  });
  it('refuses bad household ids, unknown channels, an empty description and a second receipt', () => {
    spec
      .given([])
      .when(receive({ householdId: 'no colon' }))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('householdId'));
    spec
      .given([])
      .when(receive({ channel: 'fax' }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(receive({ description: ' ' }))
      .thenThrows(ValidationError);
    spec.given([received]).when(receive()).thenThrows(IllegalStateError);
  });
});

describe('Acknowledge 受理确认', () => {
  it('the company acknowledges once; again changes nothing', () => {
    const ack = { type: 'Acknowledge' as const, actor: company, data: { at: t('09:30') } };
    const acked = {
      type: 'heating.complaint.acknowledged.v1' as const,
      data: { complaintId: ID, companyId: COMPANY, by: 'zhang.wei', acknowledgedAt: t('09:30') },
    };
    spec.given([received]).when(ack).then([acked]);
    spec.given([received, acked]).when(ack).then([]);
  });
  it('another company may not, and learns nothing about the state', () => {
    spec
      .given([received])
      .when({ type: 'Acknowledge', actor: otherCompany, data: { at: t('09:30') } })
      .thenThrows(ForbiddenError);
  });
  it('an unknown complaint is not found', () => {
    spec
      .given([])
      .when({ type: 'Acknowledge', actor: company, data: { at: t('09:30') } })
      .thenThrows(NotFoundError);
  });
});

describe('MarkOverdue 超时督办 (clock hours)', () => {
  const mark = (at: string) => ({ type: 'MarkOverdue' as const, actor: system, data: { at } });
  it('the measuring limit not yet passed: nothing to mark', () => {
    spec.given([received]).when(mark(MEASURE_BY)).thenThrows(IllegalStateError);
  });
  it('passed: overdue and supervised (counted against the company), once per deadline', () => {
    const marked = [
      {
        type: 'heating.complaint.overdue_marked.v1' as const,
        data: {
          complaintId: ID,
          companyId: COMPANY,
          limit: 'measurement' as const,
          deadline: MEASURE_BY,
          markedAt: t('09:01', '2026-12-02'),
        },
      },
      {
        type: 'heating.complaint.supervised.v1' as const,
        data: {
          complaintId: ID,
          companyId: COMPANY,
          note: `超时督办: 入户测温时限 ${MEASURE_BY} 已过`,
          by: 'deadline-checker',
          supervisedAt: t('09:01', '2026-12-02'),
        },
      },
    ];
    spec
      .given([received])
      .when(mark(t('09:01', '2026-12-02')))
      .then(marked);
    spec
      .given([received, ...marked])
      .when(mark(t('10:00', '2026-12-02')))
      .then([]);
  });
  it('needs the system role', () => {
    spec
      .given([received])
      .when({ type: 'MarkOverdue', actor: office, data: { at: t('10:00', '2026-12-02') } })
      .thenThrows(ForbiddenError);
  });
  it('the fix limit runs after a sub-standard finding until the fix is reported', () => {
    const found = complaintDecider.decide(
      measure(company, t('15:00'), [15, 16]),
      complaintDecider.evolve(complaintDecider.initialState(), received),
    );
    const history = [received, ...found];
    spec
      .given(history)
      .when(mark(t('15:01', '2026-12-02')))
      .then([
        {
          type: 'heating.complaint.overdue_marked.v1',
          data: {
            complaintId: ID,
            companyId: COMPANY,
            limit: 'fix',
            deadline: '2026-12-02T07:00:00.000Z' as never,
            markedAt: t('15:01', '2026-12-02'),
          },
        },
        {
          type: 'heating.complaint.supervised.v1',
          data: {
            complaintId: ID,
            companyId: COMPANY,
            note: '超时督办: 整改时限 2026-12-02T07:00:00.000Z 已过',
            by: 'deadline-checker',
            supervisedAt: t('15:01', '2026-12-02'),
          },
        },
      ]);
  });
});

describe('ErasePersonalData (PIPL)', () => {
  it('the supervision office erases once; the company may not', () => {
    const erase = (actor = office) => ({ type: 'ErasePersonalData' as const, actor, data: { at: t('10:00') } });
    const erased = {
      type: 'heating.complaint.personal_data_erased.v1' as const,
      data: { complaintId: ID, by: 'li.na', erasedAt: t('10:00') },
    };
    spec.given([received]).when(erase()).then([erased]);
    spec.given([received, erased]).when(erase()).then([]);
    spec.given([received]).when(erase(company)).thenThrows(ForbiddenError);
  });
});
