import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { cmd, history, people, spec, stateOf, t, TWO } from './procedure.fixtures';

const registered = () => history(cmd.register(t('2025-03-03 09:00')));

describe('case source (案源) and lead check (核查), 住建部 2022', () => {
  it('registers a source; the check runs 15 working days (Mon 3 March → Mon 24 March 18:00)', () => {
    const [e] = registered();
    expect(e).toMatchObject({
      type: 'enforcement.case.source_registered.v1',
      data: { caseId: 'EF-1', squadId: 'squad.jiefang.1', checkDeadline: t('2025-03-24 18:00') },
    });
    expect(e!.type === 'enforcement.case.source_registered.v1' && e.data.party).toMatchObject({
      type: 'person',
      publicName: '王**',
      publicId: '4108**********1234',
    });
  });

  it('a hand-over from dispatch names the dispatch case; without the reference it is refused', () => {
    const source = { kind: 'dispatch_case', ref: 'C-R-123', description: '私搭乱建', location: '民主路' };
    spec
      .given([])
      .when(cmd.register(t('2025-03-03 09:00'), { source }))
      .then(history(cmd.register(t('2025-03-03 09:00'), { source })));
    spec
      .given([])
      .when(cmd.register(t('2025-03-03 09:00'), { source: { ...source, ref: '' } }))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/source.ref/));
  });

  it('an unknown party type, a bad ID number or a bad credit code is a validation error', () => {
    for (const party of [
      { type: 'alien', name: 'x', idNumber: '1' },
      { type: 'person', name: '王', idNumber: '12345' },
      { type: 'organisation', name: '某公司', idNumber: '410802199001011234X' },
    ]) {
      spec
        .given([])
        .when(cmd.register(t('2025-03-03 09:00'), { party }))
        .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/party/));
    }
  });

  it('another squad cannot register for this squad; commands on a missing case are NOT_FOUND; a second registration is refused', () => {
    spec
      .given([])
      .when(cmd.as(people.otherSquad, cmd.register(t('2025-03-03 09:00'))))
      .thenThrows(ForbiddenError);
    spec
      .given([])
      .when(cmd.file(t('2025-03-05 10:00')))
      .thenThrows(NotFoundError);
    spec
      .given(registered())
      .when(cmd.register(t('2025-03-03 10:00')))
      .thenThrows(IllegalStateError);
  });

  it('the check is extended once by 10 working days (over Qingming, 4 April), only before it ends and only by an approver', () => {
    const extend = (at: string) => cmd.raw('ExtendLeadCheck', people.leader, { reason: '需调取规划档案', at });
    const [e] = history(cmd.register(t('2025-03-03 09:00')), extend(t('2025-03-20 10:00'))).slice(1);
    expect(e).toMatchObject({ data: { previousDeadline: t('2025-03-24 18:00'), newDeadline: t('2025-04-08 18:00') } });
    spec
      .given(history(cmd.register(t('2025-03-03 09:00')), extend(t('2025-03-20 10:00'))))
      .when(extend(t('2025-03-21 10:00')))
      .thenThrows(IllegalStateError, (x) => expect(x.message).toMatch(/once/));
    spec
      .given(registered())
      .when(extend(t('2025-03-25 09:00')))
      .thenThrows(IllegalStateError, (x) => expect(x.message).toMatch(/15 working days/));
    spec
      .given(registered())
      .when(cmd.as(people.officer, extend(t('2025-03-20 10:00'))))
      .thenThrows(ForbiddenError);
  });

  it('filing needs an approver; the 90 days run from filing (5 March → end of 3 June); late filing is recorded as late', () => {
    spec
      .given(registered())
      .when(cmd.as(people.officer, cmd.file(t('2025-03-05 10:00'))))
      .thenThrows(ForbiddenError);
    const [filed] = history(cmd.register(t('2025-03-03 09:00')), cmd.file(t('2025-03-05 10:00'))).slice(1);
    expect(filed).toMatchObject({
      type: 'enforcement.case.filed.v1',
      data: { decisionDeadline: t('2025-06-04 00:00'), checkOnTime: true },
    });
    const [late] = history(cmd.register(t('2025-03-03 09:00')), cmd.file(t('2025-03-25 09:00'))).slice(1);
    expect(late).toMatchObject({ data: { checkOnTime: false } });
  });

  it('a lead may be not filed (不予立案) with a reason; then nothing else but archiving', () => {
    const notFiled = history(
      cmd.register(t('2025-03-03 09:00')),
      cmd.raw('DecideNotToFile', people.leader, { reason: '已自行拆除, 不予立案', at: t('2025-03-04 09:00') }),
    );
    expect(stateOf(notFiled).status).toBe('not_filed');
    spec
      .given(notFiled)
      .when(cmd.file(t('2025-03-05 10:00')))
      .thenThrows(IllegalStateError);
    spec
      .given(notFiled)
      .when(cmd.raw('ArchiveCase', people.officer, { at: t('2025-03-05 10:00') }))
      .then([{ type: 'enforcement.case.archived.v1', data: { caseId: 'EF-1', at: t('2025-03-05 10:00') } as never }]);
  });
});

describe('investigation (调查取证)', () => {
  it('every act needs two distinct officers (Art 42)', () => {
    spec
      .given(registered())
      .when(cmd.act(t('2025-03-04 10:00'), { officers: ['zhang.wei'] }))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/Art 42/));
    spec
      .given(registered())
      .when(cmd.act(t('2025-03-04 10:00'), { officers: ['zhang.wei', 'zhang.wei'] }))
      .thenThrows(ValidationError);
    expect(history(cmd.register(t('2025-03-03 09:00')), cmd.act(t('2025-03-04 10:00')))[1]).toMatchObject({ data: { officers: TWO } });
  });

  it('camera evidence only from a published camera site (Art 41)', () => {
    const camera = (cameraSiteId: string) =>
      cmd.act(t('2025-03-04 10:00'), {
        kind: 'video_review',
        evidence: [{ kind: 'camera', description: '监控截图', fileRefs: ['v/1.mp4'], cameraSiteId }],
      });
    spec
      .given(registered())
      .when(camera('cam.secret.9'))
      .thenThrows(ValidationError, (e) => expect(e.message).toMatch(/Art 41/));
    expect(history(cmd.register(t('2025-03-03 09:00')), camera('cam.jiefang.001'))[1]).toMatchObject({
      data: { evidence: [{ kind: 'camera', cameraSiteId: 'cam.jiefang.001' }] },
    });
  });

  it('preservation (先行登记保存) is decided within 7 working days (Art 56); late is recorded, twice is refused', () => {
    const preserve = cmd.raw('PreserveEvidence', people.leader, {
      preservationId: 'P1',
      items: ['彩钢板 20 张'],
      officers: TWO,
      at: t('2025-03-04 10:00'),
    });
    const decideP = (at: string) =>
      cmd.raw('DecidePreservation', people.leader, { preservationId: 'P1', disposition: 'return', note: '', at });
    const given = history(cmd.register(t('2025-03-03 09:00')), preserve);
    expect(given[1]).toMatchObject({ data: { decisionDeadline: t('2025-03-13 18:00') } });
    expect(history(cmd.register(t('2025-03-03 09:00')), preserve, decideP(t('2025-03-13 17:00')))[2]).toMatchObject({
      data: { onTime: true },
    });
    expect(history(cmd.register(t('2025-03-03 09:00')), preserve, decideP(t('2025-03-14 09:00')))[2]).toMatchObject({
      data: { onTime: false },
    });
    spec
      .given(history(cmd.register(t('2025-03-03 09:00')), preserve, decideP(t('2025-03-10 09:00'))))
      .when(decideP(t('2025-03-11 09:00')))
      .thenThrows(IllegalStateError);
    spec.given(registered()).when(cmd.as(people.officer, preserve)).thenThrows(ForbiddenError);
  });
});
