import { deciderSpec, ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { HARBIN_RULE } from '../config';
import { complaintDecider } from './complaint-decider';
import { type ComplaintEvent } from './complaint-events';
import { type ComplaintCommand } from './complaint-commands';
import { company, COMPANY, HOUSEHOLD, ID, lab, MEASURE_BY, measure, office, otherCompany, received, t } from './complaint-fixtures';

const spec = deciderSpec(complaintDecider);
/** The events a command makes after a history (to build longer histories from real decisions). */
const after = (history: readonly ComplaintEvent[], command: ComplaintCommand): ComplaintEvent[] => [
  ...history,
  ...complaintDecider.decide(command, history.reduce(complaintDecider.evolve, complaintDecider.initialState())),
];
const types = (events: readonly ComplaintEvent[]) => events.map((e) => e.type.replace(/^heating\.complaint\.|\.v1$/g, ''));
const refundOf = (events: readonly ComplaintEvent[]) => events.find((e) => e.type === 'heating.complaint.refund_computed.v1')!.data;
const run = (history: readonly ComplaintEvent[], command: ComplaintCommand) => after(history, command).slice(history.length);

describe('RecordMeasurement 入户测温: the standard (bedrooms and living rooms ≥ 18 ℃)', () => {
  it('18.0 ℃ in every bedroom and living room is compliant: closed with the reading (the kitchen does not count)', () => {
    expect(types(run([received], measure(company, t('15:00'), [18.0, 18.3])))).toEqual(['measured', 'closed']);
  });
  it('17.9 ℃ in one of them is sub-standard: the period starts at the complaint, the fix limit runs', () => {
    const events = run([received], measure(company, t('15:00'), [17.9, 19]));
    expect(types(events)).toEqual(['measured', 'substandard_found']);
    expect(events[1]).toEqual({
      type: 'heating.complaint.substandard_found.v1',
      data: {
        complaintId: ID,
        companyId: COMPANY,
        since: received.data.receivedAt,
        lowestDeci: 179,
        cause: 'network',
        fixDeadline: '2026-12-02T07:00:00.000Z',
        foundAt: t('15:00'),
      },
    });
  });
  it('measured at 23 h 59 is on time, at 24 h 01 late (the limit is 24 clock hours, measure_deadline ' + MEASURE_BY + ')', () => {
    const onTime = run([received], measure(company, t('08:59', '2026-12-02'), [19, 19]))[0]!;
    const late = run([received], measure(company, t('09:01', '2026-12-02'), [19, 19]))[0]!;
    expect(onTime.data).toMatchObject({ onTime: true, deadline: MEASURE_BY });
    expect(late.data).toMatchObject({ onTime: false, deadline: MEASURE_BY });
  });
  it('the method is recorded and checked: doors/windows closed ≥ 1 h, room centre, about 1 m high', () => {
    const bad = (method: object, field: string) =>
      spec
        .given([received])
        .when(measure(company, t('15:00'), [19, 19], { method: method as never }))
        .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe(field));
    bad({ doorsClosedMinutes: 59, position: 'room_centre', heightCm: 100 }, 'method.doorsClosedMinutes');
    bad({ doorsClosedMinutes: 60, position: 'window', heightCm: 100 }, 'method.position');
    bad({ doorsClosedMinutes: 60, position: 'room_centre', heightCm: 150 }, 'method.heightCm');
    const ok = run([received], measure(company, t('15:00'), [19, 19]))[0]!;
    expect(ok.data).toMatchObject({ method: { doorsClosedMinutes: 60, position: 'room_centre', heightCm: 100 }, measuredBy: 'zhang.wei' });
  });
  it('temperatures outside −40…60 ℃, no bedroom or living room, a sub-standard reading without a cause: refused', () => {
    spec
      .given([received])
      .when(measure(company, t('15:00'), [61, 19]))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('rooms[0].celsius'));
    spec
      .given([received])
      .when(measure(company, t('15:00'), [19, -40.1]))
      .thenThrows(ValidationError);
    spec
      .given([received])
      .when(measure(company, t('15:00'), [19, 19], { rooms: [{ room: '厨房', roomType: 'other', celsius: 20 }] }))
      .thenThrows(ValidationError);
    spec
      .given([received])
      .when(measure(company, t('15:00'), [16, 19], { cause: undefined }))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('cause'));
  });
  it('only the complaint’s company measures', () => {
    spec
      .given([received])
      .when(measure(otherCompany, t('15:00'), [19, 19]))
      .thenThrows(ForbiddenError);
    spec
      .given([received])
      .when(measure(lab, t('15:00'), [19, 19]))
      .thenThrows(ForbiddenError);
  });
});

describe('sub-standard → fix → re-measurement → refund (Beijing rule, Jiaozuo terms)', () => {
  const found = after([received], measure(company, t('15:00'), [15.9, 17]));
  const fixed = after(found, {
    type: 'ReportFix',
    actor: company,
    data: { notes: '更换循环泵, 管网排气', photoRefs: [], at: t('12:00', '2026-12-02') },
  });

  it('the fix reported within 24 h is on time; a second report changes nothing', () => {
    expect(fixed.at(-1)!.data).toMatchObject({ onTime: true, fixDeadline: '2026-12-02T07:00:00.000Z' });
    spec
      .given(fixed)
      .when({ type: 'ReportFix', actor: company, data: { notes: 'again', photoRefs: [], at: t('13:00', '2026-12-02') } })
      .then([]);
  });
  it('a still sub-standard re-measurement keeps the period and its lowest reading, with a new fix limit', () => {
    const events = run(fixed, measure(company, t('15:00', '2026-12-02'), [17, 16.5]));
    expect(types(events)).toEqual(['measured', 'substandard_found']);
    expect(events[1]!.data).toMatchObject({ since: received.data.receivedAt, lowestDeci: 165 });
  });
  it('a compliant re-measurement 71 h after the complaint ends the period: 3 days × 50 % (15.9 ℃ is 2.1 below) of 0.18 yuan × 120 m²', () => {
    const events = run(fixed, measure(company, t('08:00', '2026-12-04'), [18.5, 18.2]));
    expect(types(events)).toEqual(['measured', 'restored', 'refund_computed']);
    expect(events[1]!.data).toMatchObject({ since: t('09:00'), days: 3 });
    expect(events[2]!.data).toMatchObject({
      householdId: HOUSEHOLD,
      days: 3,
      lowestDeci: 159,
      percent: 50,
      heatedAreaCentiM2: 12000,
      dailyFeeCentsPerM2: 18,
      refundCents: 3240,
      excluded: false,
      rule: 'beijing',
    });
  });
  it('the supervision office approves the refund and the complaint closes; the company may not approve', () => {
    const pending = after(fixed, measure(company, t('08:00', '2026-12-04'), [18.5, 18.2]));
    spec
      .given(pending)
      .when({ type: 'ApproveRefund', actor: company, data: { at: t('11:00', '2026-12-04') } })
      .thenThrows(ForbiddenError);
    expect(types(run(pending, { type: 'ApproveRefund', actor: office, data: { note: '同意', at: t('11:00', '2026-12-04') } }))).toEqual([
      'refund_approved',
      'closed',
    ]);
    const closed = after(pending, { type: 'ApproveRefund', actor: office, data: { at: t('11:00', '2026-12-04') } });
    expect(closed.reduce(complaintDecider.evolve, complaintDecider.initialState())).toMatchObject({
      status: 'closed',
      outcome: 'refunded',
      refundCents: 3240,
    });
  });
  it('a household-side fault is excluded in Jiaozuo: nothing owed, closed without approval', () => {
    const household = after(
      after([received], measure(company, t('15:00'), [14, 17], { cause: 'household_side' })),
      measure(company, t('15:00', '2026-12-02'), [19, 19]),
    );
    expect(refundOf(household)).toMatchObject({ excluded: true, refundCents: 0, percent: 50 });
    expect(household.at(-1)!.data).toMatchObject({ outcome: 'no_refund' });
  });
  it('a building-side fault is excluded where the city says so (Taiyuan-like terms), and under Harbin’s bands 13.9 ℃ is 100 %', () => {
    const terms = { ...received.data.terms, refundRule: HARBIN_RULE, excludedCauses: ['building_side' as const] };
    const harbin: ComplaintEvent = { ...received, data: { ...received.data, terms } } as ComplaintEvent;
    const building = after(
      after([harbin], measure(company, t('15:00'), [13.9, 17], { cause: 'building_side' })),
      measure(company, t('15:00', '2026-12-02'), [19, 19]),
    );
    expect(refundOf(building)).toMatchObject({ excluded: true, refundCents: 0 });
    const network = after(
      after([harbin], measure(company, t('15:00'), [13.9, 17], { cause: 'network' })),
      measure(company, t('15:00', '2026-12-02'), [19, 19]),
    );
    // 0.18 × 120 m² × 2 days (30 h) × 100 % = 43.20 yuan
    expect(refundOf(network)).toMatchObject({ excluded: false, percent: 100, days: 2, refundCents: 4320 });
  });
  it('the period stops at the season’s end', () => {
    const late: ComplaintEvent = { ...received, data: { ...received.data, receivedAt: t('09:00', '2027-03-14') } } as ComplaintEvent;
    const history = after([late], measure(company, t('15:00', '2027-03-14'), [16, 17]));
    const events = run(history, measure(company, t('10:00', '2027-03-20'), [19, 19]));
    expect(events[1]!.data).toMatchObject({ until: '2027-03-15T16:00:00.000Z', days: 2 });
  });
});

describe('dispute → third-party measurement 第三方检测 (its reading overrides)', () => {
  const disputed = after([received], measure(company, t('15:00'), [18.2, 18.4], { residentResponse: 'disputed' }));
  const ordered = after(disputed, {
    type: 'OrderThirdPartyMeasurement',
    actor: office,
    data: { labId: lab.department, note: '居民对测温结果有异议', at: t('16:00') },
  });

  it('a disputed company reading decides nothing: the complaint waits for the lab', () => {
    expect(types(disputed.slice(1))).toEqual(['measured']);
    expect(disputed.reduce(complaintDecider.evolve, complaintDecider.initialState())).toMatchObject({ status: 'disputed', labId: null });
  });
  it('only the supervision office orders it, once; the company may not measure meanwhile', () => {
    spec
      .given(disputed)
      .when({ type: 'OrderThirdPartyMeasurement', actor: company, data: { labId: lab.department, at: t('16:00') } })
      .thenThrows(ForbiddenError);
    spec
      .given(ordered)
      .when({ type: 'OrderThirdPartyMeasurement', actor: office, data: { labId: lab.department, at: t('16:30') } })
      .thenThrows(IllegalStateError);
    spec
      .given(ordered)
      .when(measure(company, t('17:00'), [19, 19]))
      .thenThrows(ForbiddenError);
  });
  it('the lab finds 16.8 ℃: sub-standard since the complaint, overriding the company’s 18.2 ℃', () => {
    const events = run(ordered, measure(lab, t('10:00', '2026-12-02'), [16.8, 18.1], { residentResponse: 'disputed' }));
    expect(types(events)).toEqual(['measured', 'substandard_found']);
    expect(events[0]!.data).toMatchObject({ kind: 'third_party', department: lab.department });
    expect(events[1]!.data).toMatchObject({ since: t('09:00'), lowestDeci: 168 });
  });
  it('the lab confirms compliance: closed', () => {
    expect(types(run(ordered, measure(lab, t('10:00', '2026-12-02'), [18.1, 18.5])))).toEqual(['measured', 'closed']);
  });
});
