import { deciderSpec, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { shippedStandards, standardsFrom } from '../standards/standards';
import standardsData from '../../../data/standards.json';
import { judgeRoad, judgeToilet, judgeStation, passRate } from './inspection-rules';
import { inspectionDecider } from './inspection-state';
import { type FacilityRef, type InspectionEvent } from './inspection-events';

const standards = shippedStandards();
const spec = deciderSpec(inspectionDecider);
const inspector = { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] };
const contractor = { subject: 'zhang.san', department: 'contractor.huanjie', roles: [] };
const otherContractor = { subject: 'li.si', department: 'contractor.qingyuan', roles: [] };
const system = { subject: 'deadline-scan', department: 'system.sanitation', roles: ['system'] };
const ROAD: FacilityRef = {
  facilityId: '4108020399000001',
  kind: 'road',
  district: '解放区',
  contractor: 'contractor.huanjie',
  name: '人民路',
};
const AT = '2025-03-10T02:00:00.000Z';
const DUE = '2025-03-10T04:00:00.000Z';
const samples = (...grams: number[]) => grams.map((g, i) => ({ point: `P${i + 1}`, grams: g }));
const record = (grams: number[], facility: FacilityRef | null = ROAD, at = AT) =>
  ({
    type: 'RecordInspection',
    actor: inspector,
    data: { inspectionId: 'I-1', facility, input: { samples: samples(...grams) }, standards, rectificationDeadline: DUE, at },
  }) as const;
const recordedEvents = (grams: number[]): InspectionEvent[] =>
  inspectionDecider.decide(record(grams), inspectionDecider.initialState()) as InspectionEvent[];

describe('以克论净: a 1 m² frame, pass at ≤ 10 g/m²', () => {
  it('10.0 g passes, 10.1 g fails', () => {
    expect(judgeRoad(samples(10.0, 3, 4), standards).passed).toBe(true);
    const r = judgeRoad(samples(10.1, 3, 4), standards);
    expect(r.passed).toBe(false);
    expect(r.samples.map((s) => s.passed)).toEqual([false, true, true]);
    expect(r.findings).toEqual(['样点 P1: 10.1 g/m² > 10 g/m²']);
  });
  it('a float that is 10 to 0.01 g is the limit, not above it', () =>
    expect(judgeRoad(samples(10.000000001, 0.1 + 0.2, 9.999), standards).passed).toBe(true));
  it('divides by the frame: 6 g on 0.5 m² is 12 g/m²', () =>
    expect(judgeRoad([{ grams: 6, frameAreaM2: 0.5 }, { grams: 1 }, { grams: 1 }], standards).samples[0]).toMatchObject({
      gramsPerM2: 12,
      passed: false,
      point: 'P1',
    }));
  it('needs 3 sample points', () => expect(() => judgeRoad(samples(1, 2), standards)).toThrow(ValidationError));
  it('refuses negative grams', () => expect(() => judgeRoad(samples(1, -2, 3), standards)).toThrow(/samples\[1\]\.grams/));
  it('the road rule is data: "mean" passes a road whose mean is within the limit', () => {
    const mean = standardsFrom({ ...standardsData, gram: { ...standardsData.gram, roadPasses: 'mean' } });
    expect(judgeRoad(samples(12, 8, 9), mean)).toMatchObject({ passed: true, meanGramsPerM2: 9.67 });
    expect(judgeRoad(samples(12, 8, 9), standards).passed).toBe(false);
  });
  it('the seed figure: 691 of 720 samples passed is 95.97 %', () => {
    expect(passRate(691, 720)).toBe(95.97);
    expect(passRate(0, 0)).toBeNull();
    expect(passRate(3, 3)).toBe(100);
  });
});

describe('toilet inspections: odour by class, flies by siting', () => {
  const cls1 = { toiletClass: '1', siting: 'attached' as const };
  const cls2 = { toiletClass: '2', siting: 'standalone' as const };
  it('class 1 allows odour level 1, class 2 level 2', () => {
    expect(judgeToilet({ odourLevel: 2, fliesPerM2: 0 }, cls1, standards)).toMatchObject({ passed: false, maxOdourLevel: 1 });
    expect(judgeToilet({ odourLevel: 2, fliesPerM2: 0 }, cls2, standards).passed).toBe(true);
  });
  it('attached toilets allow 1 fly/m², standalone 3', () => {
    expect(judgeToilet({ odourLevel: 1, fliesPerM2: 2 }, cls1, standards).findings).toEqual(['苍蝇 2 只/m² > 1 只/m²']);
    expect(judgeToilet({ odourLevel: 1, fliesPerM2: 3 }, cls2, standards).passed).toBe(true);
    expect(judgeToilet({ odourLevel: 1, fliesPerM2: 3.5 }, cls2, standards).passed).toBe(false);
  });
  it('odour is a level from 1 to 4', () => {
    expect(() => judgeToilet({ odourLevel: 5 }, cls2, standards)).toThrow(ValidationError);
    expect(() => judgeToilet({ odourLevel: 1.5 }, cls2, standards)).toThrow(ValidationError);
  });
  it('failed items, supplies and hours are findings too', () =>
    expect(
      judgeToilet({ odourLevel: 1, failedItems: ['地面'], suppliesOk: false, openingHoursKept: false }, cls2, standards).findings,
    ).toEqual(['保洁不合格: 地面', '耗材不足', '未按时开放']));
});

describe('station inspections', () => {
  it('fails on any item', () =>
    expect(judgeStation(['leachate', 'leachate'])).toEqual({ failedItems: ['leachate'], passed: false, findings: ['渗滤液不合格'] }));
  it('refuses unknown items', () => expect(() => judgeStation(['colour'])).toThrow(ValidationError));
});

describe('RecordInspection', () => {
  it('a passing road records the result, no rectification', () => {
    const events = recordedEvents([2, 3, 10]);
    expect(events.map((e) => e.type)).toEqual(['sanitation.inspection.recorded.v1']);
    expect(events[0]!.data).toMatchObject({ period: '2025-03', passed: true, inspector: 'sun.hao', contractor: 'contractor.huanjie' });
  });
  it('a failing road opens a rectification with the deadline', () => {
    const events = recordedEvents([2, 3, 10.1]);
    expect(events[1]).toEqual({
      type: 'sanitation.inspection.rectification_opened.v1',
      data: {
        inspectionId: 'I-1',
        facilityId: ROAD.facilityId,
        contractor: 'contractor.huanjie',
        findings: ['样点 P3: 10.1 g/m² > 10 g/m²'],
        deadline: DUE,
        openedAt: AT,
      },
    });
  });
  it('a sample on an unknown road is refused', () =>
    spec
      .given([])
      .when(record([1, 2, 3], null))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('facilityId')));
  it('only inspectors record', () =>
    spec
      .given([])
      .when({ ...record([1, 2, 3]), actor: contractor })
      .thenThrows(ForbiddenError));
  it('an id is recorded once', () =>
    spec
      .given(recordedEvents([1, 2, 3]))
      .when(record([1, 2, 3]))
      .thenThrows(IllegalStateError));
  it('the period is the Shanghai month: 2025-03-31T17:00Z is April', () => {
    const e = inspectionDecider.decide(record([1, 2, 3], ROAD, '2025-03-31T17:00:00.000Z'), { status: 'none' });
    expect(e[0]!.data).toMatchObject({ period: '2025-04' });
  });
});

describe('inspectedAt: uploaded later, never ahead or into a closed month', () => {
  const at = (inspectedAt: string, now = AT) => ({ ...record([1, 2, 3]), data: { ...record([1, 2, 3]).data, inspectedAt, at: now } });
  it('takes the period from when the samples were weighed', () =>
    expect(inspectionDecider.decide(at('2025-02-27T02:00:00.000Z', '2025-03-03T02:00:00.000Z'), { status: 'none' })[0]!.data).toMatchObject(
      { period: '2025-02', inspectedAt: '2025-02-27T02:00:00.000Z' },
    ));
  it('not in the future', () => spec.given([]).when(at('2025-03-10T03:00:00.000Z')).thenThrows(ValidationError));
  it('not into a closed month', () => spec.given([]).when(at('2025-01-30T02:00:00.000Z')).thenThrows(IllegalStateError));
});

describe('amendments and corrections: a closed month only takes a correction with a reason', () => {
  const failed = recordedEvents([2, 3, 12]);
  const amend = (at: string) =>
    ({
      type: 'AmendInspection',
      actor: inspector,
      data: { input: { samples: samples(2, 3, 9) }, standards, rectificationDeadline: DUE, at },
    }) as const;
  it('within the month (and 5 days after) an amendment replaces the result and withdraws the rectification', () => {
    const events = inspectionDecider.decide(
      amend('2025-04-05T10:00:00.000Z'),
      failed.reduce(inspectionDecider.evolve, inspectionDecider.initialState()),
    );
    expect(events.map((e) => e.type)).toEqual(['sanitation.inspection.corrected.v1', 'sanitation.inspection.rectification_withdrawn.v1']);
    expect(events[0]!.data).toMatchObject({ kind: 'amendment', passed: true, reason: '' });
  });
  it('after the month closed an amendment is refused', () =>
    spec
      .given(failed)
      .when(amend('2025-04-05T16:00:00.000Z'))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/closed/)));
  it('a correction needs a reason, and is accepted after the close', () => {
    const correct = (reason: string) =>
      spec.given(failed).when({
        type: 'CorrectInspection',
        actor: inspector,
        data: { input: { samples: samples(2, 3, 9) }, reason, standards, rectificationDeadline: DUE, at: '2025-05-01T00:00:00.000Z' },
      });
    correct('').thenThrows(ValidationError);
    const events = inspectionDecider.decide(
      {
        type: 'CorrectInspection',
        actor: inspector,
        data: {
          input: { samples: samples(2, 3, 9) },
          reason: '称量记录笔误',
          standards,
          rectificationDeadline: DUE,
          at: '2025-05-01T00:00:00.000Z',
        },
      },
      failed.reduce(inspectionDecider.evolve, inspectionDecider.initialState()),
    );
    expect(events[0]!.data).toMatchObject({ kind: 'correction', reason: '称量记录笔误', passed: true });
  });
  it('an unknown inspection cannot be amended', () => spec.given([]).when(amend(AT)).thenThrows(NotFoundError));
});

describe('rectification 整改', () => {
  const failed = recordedEvents([2, 3, 12]);
  const complete = (actor = contractor, at = '2025-03-10T03:00:00.000Z') =>
    ({ type: 'CompleteRectification', actor, data: { note: '已重新清扫', at } }) as const;
  it('the responsible contractor completes it, on time', () =>
    spec
      .given(failed)
      .when(complete())
      .then([
        {
          type: 'sanitation.inspection.rectification_completed.v1',
          data: { inspectionId: 'I-1', note: '已重新清扫', by: 'zhang.san', onTime: true, completedAt: '2025-03-10T03:00:00.000Z' },
        },
      ]));
  it('another contractor may not', () => spec.given(failed).when(complete(otherContractor)).thenThrows(ForbiddenError));
  it('the deadline scan marks it overdue only after the deadline', () => {
    spec
      .given(failed)
      .when({ type: 'MarkRectificationOverdue', actor: system, data: { at: '2025-03-10T03:59:00.000Z' } })
      .thenThrows(IllegalStateError);
    spec
      .given(failed)
      .when({ type: 'MarkRectificationOverdue', actor: system, data: { at: DUE } })
      .then([{ type: 'sanitation.inspection.rectification_overdue.v1', data: { inspectionId: 'I-1', deadline: DUE, markedAt: DUE } }]);
    spec
      .given(failed)
      .when({ type: 'MarkRectificationOverdue', actor: inspector, data: { at: DUE } })
      .thenThrows(ForbiddenError);
  });
  it('completed late after the overdue mark, and not twice', () => {
    const overdue: InspectionEvent = {
      type: 'sanitation.inspection.rectification_overdue.v1',
      data: { inspectionId: 'I-1', deadline: DUE, markedAt: DUE },
    };
    const late = complete(contractor, '2025-03-10T05:00:00.000Z');
    const done = inspectionDecider.decide(late, [...failed, overdue].reduce(inspectionDecider.evolve, inspectionDecider.initialState()));
    expect(done[0]!.data).toMatchObject({ onTime: false });
    spec
      .given([...failed, overdue, ...done])
      .when(late)
      .thenThrows(IllegalStateError);
  });
  it('a passing inspection has nothing to rectify', () =>
    spec
      .given(recordedEvents([1, 1, 1]))
      .when(complete())
      .thenThrows(IllegalStateError));
});

describe('the closed loop: a failed inspection filed in intake, its closure linked back', () => {
  const failed = recordedEvents([2, 3, 12]);
  const loop = { subject: 'sanitation-loop', department: 'system.sanitation', roles: ['system'] };
  const link = (reportId = 'rq-1', openedAt = AT) =>
    ({ type: 'LinkReport', actor: loop, data: { openedAt, reportId, category: 'event.01.04', at: '2025-03-10T02:00:05.000Z' } }) as const;
  const filed: InspectionEvent = {
    type: 'sanitation.inspection.report_filed.v1',
    data: { inspectionId: 'I-1', reportId: 'rq-1', category: 'event.01.04', filedAt: '2025-03-10T02:00:05.000Z' },
  };
  const closure = (closedAt: string, reportId = 'rq-1') =>
    ({ type: 'LinkReportClosure', actor: loop, data: { reportId, caseId: 'C-1', closedAt, at: '2025-03-10T03:30:00.000Z' } }) as const;

  it('the hand-off records the report once; a retry of it changes nothing', () => {
    spec.given(failed).when(link()).then([filed]);
    spec
      .given([...failed, filed])
      .when(link())
      .then([]);
  });
  it('a second, different report for the same rectification is refused', () =>
    spec
      .given([...failed, filed])
      .when(link('rq-2'))
      .thenThrows(IllegalStateError));
  it('a hand-off for an earlier rectification (since withdrawn and reopened) records nothing', () =>
    spec.given(failed).when(link('rq-1', '2025-03-09T02:00:00.000Z')).then([]));
  it('only the system links reports', () =>
    spec
      .given(failed)
      .when({ ...link(), actor: inspector })
      .thenThrows(ForbiddenError));
  it('the case closed by the deadline: linked back and the rectification completed on time; not twice', () => {
    const linked: InspectionEvent = {
      type: 'sanitation.inspection.report_closed.v1',
      data: {
        inspectionId: 'I-1',
        reportId: 'rq-1',
        caseId: 'C-1',
        closedAt: '2025-03-10T03:20:00.000Z',
        linkedAt: '2025-03-10T03:30:00.000Z',
      },
    };
    const completed: InspectionEvent = {
      type: 'sanitation.inspection.rectification_completed.v1',
      data: {
        inspectionId: 'I-1',
        note: 'dispatch case C-1 closed',
        by: 'sanitation-loop',
        onTime: true,
        completedAt: '2025-03-10T03:30:00.000Z',
      },
    };
    spec
      .given([...failed, filed])
      .when(closure('2025-03-10T03:20:00.000Z'))
      .then([linked, completed]);
    spec
      .given([...failed, filed, linked, completed])
      .when(closure('2025-03-10T03:20:00.000Z'))
      .then([]);
  });
  it('a case closed after the deadline completes the rectification late', () => {
    const [, done] = inspectionDecider.decide(
      closure('2025-03-10T05:00:00.000Z'),
      [...failed, filed].reduce(inspectionDecider.evolve, inspectionDecider.initialState()),
    );
    expect(done?.data).toMatchObject({ onTime: false });
  });
  it("another report's closure is not this inspection's", () => {
    spec
      .given([...failed, filed])
      .when(closure('2025-03-10T03:20:00.000Z', 'rq-9'))
      .thenThrows(IllegalStateError);
    spec.given(failed).when(closure('2025-03-10T03:20:00.000Z')).thenThrows(IllegalStateError);
  });
});
