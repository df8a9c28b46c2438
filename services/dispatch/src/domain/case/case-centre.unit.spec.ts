import { deciderSpec, ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { caseDecider } from './case-decider';
import { type OpenCase } from './case-commands';
import { type Instant } from '../shared/values';
import {
  CASE_ID,
  DEADLINE,
  OTHER_UNIT,
  REPORT_ID,
  UNIT,
  closed,
  commandCentre,
  dispatched,
  extensionRequested,
  handled,
  inspector,
  opened,
  returnApproved,
  returnRequested,
  scheduler,
  signed,
  supervisionCentre,
  suspensionApproved,
  suspensionRequested,
  t,
  unitActor,
  verifiedPassed,
} from './case-fixtures';

const spec = deciderSpec(caseDecider);
const handling = [opened, dispatched(), signed];
const awaitingVerification = [...handling, handled()];

const open = (overrides: Partial<OpenCase['data']> = {}, actor = commandCentre): OpenCase => ({
  type: 'OpenCase',
  actor,
  data: {
    caseId: CASE_ID,
    reportId: REPORT_ID,
    category: 'event.01.02',
    cellId: '410802001001001',
    district: '解放区',
    urgency: 'normal',
    unitId: UNIT,
    deadline: DEADLINE,
    at: t('10:00'),
    ...overrides,
  },
});

describe('OpenCase (任务派遣)', () => {
  it('opens and dispatches in one step, for the command centre or the dispatch process', () => {
    spec.given([]).when(open()).then([opened, dispatched()]);
    spec.given([]).when(open({}, scheduler)).then([opened, dispatched()]);
  });
  it('a unit cannot open cases', () => {
    spec.given([]).when(open({}, unitActor)).thenThrows(ForbiddenError);
  });
  it('refuses bad input', () => {
    spec
      .given([])
      .when(open({ category: 'litter' }))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('category'));
    spec
      .given([])
      .when(open({ deadline: t('09:00') }))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('deadline'));
    spec
      .given([])
      .when(open({ unitId: 'Sanitation Dept' }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(open({ caseId: '' }))
      .thenThrows(ValidationError);
    spec
      .given([])
      .when(open({ cellId: '' }))
      .thenThrows(ValidationError);
  });
  it('a case opens only once', () => {
    spec
      .given([opened, dispatched()])
      .when(open())
      .thenThrows(IllegalStateError, (e) => expect(e.message).toMatch(/OpenCase.*dispatched/));
  });
});

describe('Redispatch (改派) after an approved return', () => {
  const returned = [opened, dispatched(), returnRequested, returnApproved];
  it('goes to another unit with a new deadline', () => {
    spec
      .given(returned)
      .when({ type: 'Redispatch', actor: commandCentre, data: { unitId: OTHER_UNIT, deadline: t('15:00'), at: t('10:30') } })
      .then([dispatched(OTHER_UNIT, t('15:00'), t('10:30'), 'redispatch')]);
  });
  it('not back to the unit that returned it', () => {
    spec
      .given(returned)
      .when({ type: 'Redispatch', actor: commandCentre, data: { unitId: UNIT, deadline: t('15:00'), at: t('10:30') } })
      .thenThrows(IllegalStateError);
  });
  it('only by the command centre', () => {
    spec
      .given(returned)
      .when({ type: 'Redispatch', actor: unitActor, data: { unitId: OTHER_UNIT, deadline: t('15:00'), at: t('10:30') } })
      .thenThrows(ForbiddenError);
  });
  it('then the new unit signs for it and the old one no longer may', () => {
    const next = [...returned, dispatched(OTHER_UNIT, t('15:00'), t('10:30'), 'redispatch')];
    spec
      .given(next)
      .when({ type: 'SignFor', actor: unitActor, data: { at: t('10:40') } })
      .thenThrows(ForbiddenError);
    spec
      .given(next)
      .when({ type: 'SignFor', actor: { subject: 'zhao.min', department: OTHER_UNIT, roles: [] }, data: { at: t('10:40') } })
      .then([{ type: 'dispatch.case.signed_for.v1', data: { caseId: CASE_ID, unitId: OTHER_UNIT, signedAt: t('10:40'), by: 'zhao.min' } }]);
  });
});

describe('Verify 核查', () => {
  it('pass closes the case (结案), on time when the handling was', () => {
    spec
      .given(awaitingVerification)
      .when({ type: 'Verify', actor: inspector, data: { outcome: 'passed', notes: '', photoRefs: [], at: t('15:00') } })
      .then([verifiedPassed, closed]);
  });
  it('pass after late handling closes late', () => {
    spec
      .given([...handling, handled(t('16:00'))])
      .when({ type: 'Verify', actor: inspector, data: { outcome: 'passed', notes: '', photoRefs: [], at: t('17:00') } })
      .then([
        { ...verifiedPassed, data: { ...verifiedPassed.data, verifiedAt: t('17:00') } } as never,
        {
          type: 'dispatch.case.closed.v1',
          data: { caseId: CASE_ID, reportId: REPORT_ID, unitId: UNIT, onTime: false, closedAt: t('17:00') },
        },
      ]);
  });
  it('fail sends it back for rework (返工), counted, with a new deadline', () => {
    spec
      .given(awaitingVerification)
      .when({
        type: 'Verify',
        actor: inspector,
        data: { outcome: 'failed', notes: '地面仍有残留垃圾', photoRefs: ['v1.jpg'], reworkDeadline: t('17:00'), at: t('15:00') },
      })
      .then([
        {
          type: 'dispatch.case.verified.v1',
          data: {
            caseId: CASE_ID,
            inspector: 'sun.hao',
            outcome: 'failed',
            notes: '地面仍有残留垃圾',
            photoRefs: ['v1.jpg'],
            verifiedAt: t('15:00'),
          },
        },
        {
          type: 'dispatch.case.rework_ordered.v1',
          data: { caseId: CASE_ID, unitId: UNIT, reason: '地面仍有残留垃圾', deadline: t('17:00'), reworkCount: 1, orderedAt: t('15:00') },
        },
      ]);
  });
  it('a second failure counts 2', () => {
    const failed = (n: number, at: Instant) =>
      [
        {
          type: 'dispatch.case.verified.v1',
          data: { caseId: CASE_ID, inspector: 'sun.hao', outcome: 'failed', notes: 'x', photoRefs: [], verifiedAt: at },
        },
        {
          type: 'dispatch.case.rework_ordered.v1',
          data: { caseId: CASE_ID, unitId: UNIT, reason: 'x', deadline: t('17:00'), reworkCount: n, orderedAt: at },
        },
      ] as const;
    spec
      .given([...awaitingVerification, ...failed(1, t('15:00')), handled(t('16:00'), t('17:00'))])
      .when({
        type: 'Verify',
        actor: inspector,
        data: { outcome: 'failed', notes: 'x', photoRefs: [], reworkDeadline: t('17:30'), at: t('16:30') },
      })
      .then([
        {
          type: 'dispatch.case.verified.v1',
          data: { caseId: CASE_ID, inspector: 'sun.hao', outcome: 'failed', notes: 'x', photoRefs: [], verifiedAt: t('16:30') },
        },
        {
          type: 'dispatch.case.rework_ordered.v1',
          data: { caseId: CASE_ID, unitId: UNIT, reason: 'x', deadline: t('17:30'), reworkCount: 2, orderedAt: t('16:30') },
        },
      ]);
  });
  it('a failure needs a reason and a future rework deadline', () => {
    const fail = (notes: string, reworkDeadline: string) =>
      spec
        .given(awaitingVerification)
        .when({ type: 'Verify', actor: inspector, data: { outcome: 'failed', notes, photoRefs: [], reworkDeadline, at: t('15:00') } });
    fail('', t('17:00')).thenThrows(ValidationError);
    fail('x', t('14:00')).thenThrows(ValidationError);
  });
  it('needs an inspector; the unit and the command centre may not verify', () => {
    for (const actor of [unitActor, commandCentre, supervisionCentre]) {
      spec
        .given(awaitingVerification)
        .when({ type: 'Verify', actor, data: { outcome: 'passed', notes: '', photoRefs: [], at: t('15:00') } })
        .thenThrows(ForbiddenError);
    }
  });
  it('an unknown outcome is refused', () => {
    spec
      .given(awaitingVerification)
      .when({ type: 'Verify', actor: inspector, data: { outcome: 'maybe' as never, notes: '', photoRefs: [], at: t('15:00') } })
      .thenThrows(ValidationError);
  });
});

describe('Supervise 督办', () => {
  const supervise = { type: 'Supervise' as const, actor: commandCentre, data: { note: '请加快处置', at: t('14:00') } };
  const event = {
    type: 'dispatch.case.supervised.v1',
    data: { caseId: CASE_ID, unitId: UNIT, note: '请加快处置', by: 'li.na', supervisedAt: t('14:00') },
  } as const;
  it.each([
    ['dispatched', [opened, dispatched()]],
    ['handling', handling],
    ['return_requested', [...handling, returnRequested]],
    ['extension_requested', [...handling, extensionRequested]],
    ['suspension_requested', [...handling, suspensionRequested]],
    ['suspended', [...handling, suspensionRequested, suspensionApproved]],
  ] as const)('a case that is %s can be supervised', (_s, history) => {
    spec.given(history).when(supervise).then([event]);
  });
  it('needs the command centre and a note', () => {
    spec
      .given(handling)
      .when({ ...supervise, actor: unitActor })
      .thenThrows(ForbiddenError);
    spec
      .given(handling)
      .when({ ...supervise, data: { note: '', at: t('14:00') } })
      .thenThrows(ValidationError);
  });
});

describe('MarkOverdue (from the durable deadline check)', () => {
  const mark = (at: string, actor = scheduler) => ({ type: 'MarkOverdue' as const, actor, data: { at } });
  const overdue = {
    type: 'dispatch.case.overdue_marked.v1',
    data: { caseId: CASE_ID, unitId: UNIT, deadline: DEADLINE, markedAt: t('14:31') },
  } as const;
  it('marks a case whose deadline has passed', () => {
    spec
      .given(handling)
      .when(mark(t('14:31')))
      .then([overdue]);
    spec
      .given([opened, dispatched()])
      .when(mark(t('14:31')))
      .then([overdue]);
    spec
      .given([...handling, extensionRequested])
      .when(mark(t('14:31')))
      .then([overdue]);
  });
  it('exactly at the deadline counts as passed', () => {
    spec
      .given(handling)
      .when(mark(DEADLINE))
      .then([{ ...overdue, data: { ...overdue.data, markedAt: DEADLINE } }]);
  });
  it('once per deadline: a second check produces nothing', () => {
    spec
      .given([...handling, overdue])
      .when(mark(t('15:00')))
      .then([]);
  });
  it('again after an extension moved the deadline and it passed too', () => {
    const extended = {
      type: 'dispatch.case.extension_approved.v1',
      data: { caseId: CASE_ID, unitId: UNIT, previousDeadline: DEADLINE, newDeadline: t('17:00'), note: '', decidedAt: t('14:40') },
    } as const;
    spec
      .given([...handling, overdue, extensionRequested, extended])
      .when(mark(t('17:01')))
      .then([
        { type: 'dispatch.case.overdue_marked.v1', data: { caseId: CASE_ID, unitId: UNIT, deadline: t('17:00'), markedAt: t('17:01') } },
      ]);
  });
  it('not before the deadline', () => {
    spec
      .given(handling)
      .when(mark(t('14:00')))
      .thenThrows(IllegalStateError);
  });
  it('not when suspended, handled or closed', () => {
    spec
      .given([...handling, suspensionRequested, suspensionApproved])
      .when(mark(t('15:00')))
      .thenThrows(IllegalStateError);
    spec
      .given(awaitingVerification)
      .when(mark(t('15:00')))
      .thenThrows(IllegalStateError);
    spec
      .given([...awaitingVerification, verifiedPassed, closed])
      .when(mark(t('15:00')))
      .thenThrows(IllegalStateError);
  });
  it('not by a unit', () => {
    spec
      .given(handling)
      .when(mark(t('15:00'), unitActor))
      .thenThrows(ForbiddenError);
  });
});

describe('Reopen and Evaluate (综合评价)', () => {
  const closedCase = [...awaitingVerification, verifiedPassed, closed];
  it('a closed case is reopened and dispatched again', () => {
    spec
      .given(closedCase)
      .when({
        type: 'Reopen',
        actor: commandCentre,
        data: { reason: '市民反映问题复发', unitId: UNIT, deadline: t('11:00', '2025-03-04'), at: t('09:30', '2025-03-04') },
      })
      .then([
        { type: 'dispatch.case.reopened.v1', data: { caseId: CASE_ID, reason: '市民反映问题复发', reopenedAt: t('09:30', '2025-03-04') } },
        dispatched(UNIT, t('11:00', '2025-03-04'), t('09:30', '2025-03-04'), 'reopen'),
      ]);
  });
  it('reopen needs the command centre and a reason', () => {
    const data = { reason: 'x', unitId: UNIT, deadline: t('11:00', '2025-03-04'), at: t('09:30', '2025-03-04') };
    spec.given(closedCase).when({ type: 'Reopen', actor: unitActor, data }).thenThrows(ForbiddenError);
    spec
      .given(closedCase)
      .when({ type: 'Reopen', actor: commandCentre, data: { ...data, reason: '' } })
      .thenThrows(ValidationError);
  });
  it('the supervision centre evaluates a closed case once', () => {
    const evaluated = {
      type: 'dispatch.case.evaluated.v1',
      data: { caseId: CASE_ID, rating: 'satisfied', note: '', evaluatedAt: t('16:00') },
    } as const;
    const evaluate = {
      type: 'Evaluate' as const,
      actor: supervisionCentre,
      data: { rating: 'satisfied' as const, note: '', at: t('16:00') },
    };
    spec.given(closedCase).when(evaluate).then([evaluated]);
    spec
      .given([...closedCase, evaluated])
      .when(evaluate)
      .thenThrows(IllegalStateError);
    spec
      .given(closedCase)
      .when({ ...evaluate, actor: commandCentre })
      .thenThrows(ForbiddenError);
    spec
      .given(closedCase)
      .when({ ...evaluate, data: { rating: 'great' as never, note: '', at: t('16:00') } })
      .thenThrows(ValidationError);
  });
});
