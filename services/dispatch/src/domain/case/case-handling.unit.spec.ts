import { deciderSpec, ForbiddenError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { caseDecider } from './case-decider';
import {
  CASE_ID,
  DEADLINE,
  UNIT,
  commandCentre,
  dispatched,
  extensionRequested,
  handled,
  opened,
  otherUnitActor,
  returnRequested,
  signed,
  suspensionApproved,
  suspensionRequested,
  t,
  unitActor,
} from './case-fixtures';

const spec = deciderSpec(caseDecider);
const handling = [opened, dispatched(), signed];

describe('SignFor 签收', () => {
  it('a dispatched case is signed for by its unit', () => {
    spec
      .given([opened, dispatched()])
      .when({ type: 'SignFor', actor: unitActor, data: { at: t('10:05') } })
      .then([signed]);
  });
  it('another unit may not sign for it', () => {
    spec
      .given([opened, dispatched()])
      .when({ type: 'SignFor', actor: otherUnitActor, data: { at: t('10:05') } })
      .thenThrows(ForbiddenError);
  });
  it('the command centre is not the unit either', () => {
    spec
      .given([opened, dispatched()])
      .when({ type: 'SignFor', actor: commandCentre, data: { at: t('10:05') } })
      .thenThrows(ForbiddenError);
  });
  it('a case that does not exist is not found', () => {
    spec
      .given([])
      .when({ type: 'SignFor', actor: unitActor, data: { at: t('10:05') } })
      .thenThrows(NotFoundError);
  });
  it('a malformed time is refused', () => {
    spec
      .given([opened, dispatched()])
      .when({ type: 'SignFor', actor: unitActor, data: { at: 'yesterday' } })
      .thenThrows(ValidationError);
  });
});

describe('ApplyForReturn 退回 and DecideReturn', () => {
  it('the unit applies to return a dispatched case', () => {
    spec
      .given([opened, dispatched()])
      .when({ type: 'ApplyForReturn', actor: unitActor, data: { reasons: ['not_our_remit'], note: '', at: t('10:10') } })
      .then([returnRequested]);
  });
  it('the unit applies to return a case it has signed for, duplicates of reasons removed', () => {
    spec
      .given(handling)
      .when({
        type: 'ApplyForReturn',
        actor: unitActor,
        data: { reasons: ['wrong_location', 'wrong_location'], note: '位置在中站区', at: t('10:10') },
      })
      .then([
        {
          type: 'dispatch.case.return_requested.v1',
          data: { caseId: CASE_ID, unitId: UNIT, reasons: ['wrong_location'], note: '位置在中站区', requestedAt: t('10:10') },
        },
      ]);
  });
  it('needs a reason from the fixed list, and a note for "other"', () => {
    const apply = (reasons: readonly string[], note = '') =>
      spec.given(handling).when({ type: 'ApplyForReturn', actor: unitActor, data: { reasons: reasons as never, note, at: t('10:10') } });
    apply([]).thenThrows(ValidationError);
    apply(['because']).thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('reasons[0]'));
    apply(['other']).thenThrows(ValidationError);
    apply(['other'], '该路段已移交高速公路管理局').then([
      {
        type: 'dispatch.case.return_requested.v1',
        data: { caseId: CASE_ID, unitId: UNIT, reasons: ['other'], note: '该路段已移交高速公路管理局', requestedAt: t('10:10') },
      },
    ]);
  });
  it('another unit may not apply', () => {
    spec
      .given(handling)
      .when({ type: 'ApplyForReturn', actor: otherUnitActor, data: { reasons: ['not_our_remit'], note: '', at: t('10:10') } })
      .thenThrows(ForbiddenError);
  });
  it('the command centre approves: the case goes back to the centre', () => {
    spec
      .given([opened, dispatched(), returnRequested])
      .when({ type: 'DecideReturn', actor: commandCentre, data: { approve: true, note: '改派市政', at: t('10:20') } })
      .then([
        { type: 'dispatch.case.return_approved.v1', data: { caseId: CASE_ID, unitId: UNIT, note: '改派市政', decidedAt: t('10:20') } },
      ]);
  });
  it('the command centre rejects: the case stays with the unit', () => {
    spec
      .given([opened, dispatched(), returnRequested])
      .when({ type: 'DecideReturn', actor: commandCentre, data: { approve: false, note: '属于环卫职责', at: t('10:20') } })
      .then([
        { type: 'dispatch.case.return_rejected.v1', data: { caseId: CASE_ID, unitId: UNIT, note: '属于环卫职责', decidedAt: t('10:20') } },
      ]);
  });
  it('a unit cannot decide its own return', () => {
    spec
      .given([opened, dispatched(), returnRequested])
      .when({ type: 'DecideReturn', actor: unitActor, data: { approve: true, note: '', at: t('10:20') } })
      .thenThrows(ForbiddenError);
  });
  it('the decision must be a boolean', () => {
    spec
      .given([opened, dispatched(), returnRequested])
      .when({ type: 'DecideReturn', actor: commandCentre, data: { approve: 'yes' as never, note: '', at: t('10:20') } })
      .thenThrows(ValidationError);
  });
});

describe('ApplyForExtension 延期 and DecideExtension', () => {
  const apply = (requestedDeadline: string) => ({
    type: 'ApplyForExtension' as const,
    actor: unitActor,
    data: { requestedDeadline, reason: '需调派压缩车', at: t('11:00') },
  });
  it('the unit asks for a later deadline', () => {
    spec
      .given(handling)
      .when(apply(t('17:00')))
      .then([extensionRequested]);
  });
  it('the new deadline must be later than the current one', () => {
    spec
      .given(handling)
      .when(apply(t('14:00')))
      .thenThrows(ValidationError);
    spec
      .given(handling)
      .when(apply(t('10:30')))
      .thenThrows(ValidationError);
  });
  it('needs a reason', () => {
    spec
      .given(handling)
      .when({ ...apply(t('17:00')), data: { requestedDeadline: t('17:00'), reason: ' ', at: t('11:00') } })
      .thenThrows(ValidationError);
  });
  it('another unit may not apply', () => {
    spec
      .given(handling)
      .when({ ...apply(t('17:00')), actor: otherUnitActor })
      .thenThrows(ForbiddenError);
  });
  it('approved as requested', () => {
    spec
      .given([...handling, extensionRequested])
      .when({ type: 'DecideExtension', actor: commandCentre, data: { approve: true, note: '', at: t('11:30') } })
      .then([
        {
          type: 'dispatch.case.extension_approved.v1',
          data: { caseId: CASE_ID, unitId: UNIT, previousDeadline: DEADLINE, newDeadline: t('17:00'), note: '', decidedAt: t('11:30') },
        },
      ]);
  });
  it('approved with a different deadline', () => {
    spec
      .given([...handling, extensionRequested])
      .when({
        type: 'DecideExtension',
        actor: commandCentre,
        data: { approve: true, approvedDeadline: t('16:00'), note: '延至16时', at: t('11:30') },
      })
      .then([
        {
          type: 'dispatch.case.extension_approved.v1',
          data: {
            caseId: CASE_ID,
            unitId: UNIT,
            previousDeadline: DEADLINE,
            newDeadline: t('16:00'),
            note: '延至16时',
            decidedAt: t('11:30'),
          },
        },
      ]);
  });
  it('an approved deadline that is not later is refused', () => {
    spec
      .given([...handling, extensionRequested])
      .when({
        type: 'DecideExtension',
        actor: commandCentre,
        data: { approve: true, approvedDeadline: t('12:00'), note: '', at: t('11:30') },
      })
      .thenThrows(ValidationError);
  });
  it('rejected', () => {
    spec
      .given([...handling, extensionRequested])
      .when({ type: 'DecideExtension', actor: commandCentre, data: { approve: false, note: '按原时限处置', at: t('11:30') } })
      .then([
        {
          type: 'dispatch.case.extension_rejected.v1',
          data: { caseId: CASE_ID, unitId: UNIT, note: '按原时限处置', decidedAt: t('11:30') },
        },
      ]);
  });
  it('a unit cannot decide', () => {
    spec
      .given([...handling, extensionRequested])
      .when({ type: 'DecideExtension', actor: unitActor, data: { approve: true, note: '', at: t('11:30') } })
      .thenThrows(ForbiddenError);
  });
});

describe('ApplyForSuspension 缓办/挂账 and DecideSuspension', () => {
  it('the unit asks to suspend', () => {
    spec
      .given(handling)
      .when({ type: 'ApplyForSuspension', actor: unitActor, data: { reason: '涉及拆迁, 需市政府协调', at: t('11:00') } })
      .then([suspensionRequested]);
  });
  it('needs a reason and the right unit', () => {
    spec
      .given(handling)
      .when({ type: 'ApplyForSuspension', actor: unitActor, data: { reason: '', at: t('11:00') } })
      .thenThrows(ValidationError);
    spec
      .given(handling)
      .when({ type: 'ApplyForSuspension', actor: otherUnitActor, data: { reason: 'x', at: t('11:00') } })
      .thenThrows(ForbiddenError);
  });
  it('approved', () => {
    spec
      .given([...handling, suspensionRequested])
      .when({ type: 'DecideSuspension', actor: commandCentre, data: { approve: true, note: '', at: t('11:30') } })
      .then([suspensionApproved]);
  });
  it('rejected', () => {
    spec
      .given([...handling, suspensionRequested])
      .when({ type: 'DecideSuspension', actor: commandCentre, data: { approve: false, note: '可先行处置', at: t('11:30') } })
      .then([
        {
          type: 'dispatch.case.suspension_rejected.v1',
          data: { caseId: CASE_ID, unitId: UNIT, note: '可先行处置', decidedAt: t('11:30') },
        },
      ]);
  });
  it('a unit cannot decide', () => {
    spec
      .given([...handling, suspensionRequested])
      .when({ type: 'DecideSuspension', actor: unitActor, data: { approve: true, note: '', at: t('11:30') } })
      .thenThrows(ForbiddenError);
  });
});

describe('ReportHandling 处理反馈', () => {
  const report = (at: string, photoRefs: readonly string[] = ['photos/after-1.jpg']) => ({
    type: 'ReportHandling' as const,
    actor: unitActor,
    data: { notes: '垃圾已清运', photoRefs, at },
  });
  it('on time', () => {
    spec
      .given(handling)
      .when(report(t('13:45')))
      .then([handled(t('13:45'))]);
  });
  it('late', () => {
    spec
      .given(handling)
      .when(report(t('16:00')))
      .then([handled(t('16:00'))]);
  });
  it('after an approved extension, measured against the new deadline', () => {
    spec
      .given([
        ...handling,
        extensionRequested,
        {
          type: 'dispatch.case.extension_approved.v1',
          data: { caseId: CASE_ID, unitId: UNIT, previousDeadline: DEADLINE, newDeadline: t('17:00'), note: '', decidedAt: t('11:30') },
        },
      ])
      .when(report(t('16:00')))
      .then([handled(t('16:00'), t('17:00'))]);
  });
  it('a suspended case can be reported handled', () => {
    spec
      .given([...handling, suspensionRequested, suspensionApproved])
      .when(report(t('16:00')))
      .then([handled(t('16:00'))]);
  });
  it('after a rejected return of a signed case, the unit handles it', () => {
    spec
      .given([
        ...handling,
        returnRequested,
        { type: 'dispatch.case.return_rejected.v1', data: { caseId: CASE_ID, unitId: UNIT, note: '', decidedAt: t('10:20') } },
      ])
      .when(report(t('13:45')))
      .then([handled(t('13:45'))]);
  });
  it('needs notes and at most 20 photo references', () => {
    spec
      .given(handling)
      .when({ ...report(t('13:45')), data: { notes: '', photoRefs: [], at: t('13:45') } })
      .thenThrows(ValidationError);
    spec
      .given(handling)
      .when(
        report(
          t('13:45'),
          Array.from({ length: 21 }, (_, i) => `p${i}.jpg`),
        ),
      )
      .thenThrows(ValidationError);
  });
  it('another unit may not report', () => {
    spec
      .given(handling)
      .when({ ...report(t('13:45')), actor: otherUnitActor })
      .thenThrows(ForbiddenError);
  });
});
