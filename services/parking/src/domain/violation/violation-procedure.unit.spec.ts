import { deciderSpec, ForbiddenError, IllegalStateError, ValidationError } from '@yiwang/kernel-core';
import { actors, cameras, cmd, ctx, MONDAY_10, record, shanghai } from '../../parking.test-helpers';
import { violationDecider } from './violation-decider';
import { type ViolationCommand } from './violation-commands';
import { type ViolationEvent } from './violation-events';
import { surchargeOn } from '../rules/parking-rules';

const decider = violationDecider(ctx);
const spec = deciderSpec(decider);

/** The events of running commands in turn from nothing. */
function historyOf(...commands: ViolationCommand[]): ViolationEvent[] {
  const events: ViolationEvent[] = [];
  let state = decider.initialState();
  for (const c of commands) {
    const out = decider.decide(c, state);
    events.push(...out);
    state = out.reduce(decider.evolve, state);
  }
  return events;
}

const notice = (fine: number | null = null, at = MONDAY_10) => cmd('IssueNotice', { noticeNo: 'N-1', fine, at });
const noticed = (over = {}) => historyOf(record(over), notice());
const decided = (at = MONDAY_10) => historyOf(record(), notice(), cmd('DecidePenalty', { decisionNo: 'D-1', fine: null, at }));

describe('driver present: 劝离 (道路交通安全法 Art 93)', () => {
  it('told to move and complied: closed without penalty', () => {
    spec
      .given(historyOf(record()))
      .when(cmd('WarnDriver', { complied: true, at: MONDAY_10 }))
      .then([
        {
          type: 'parking.violation.driver_warned.v1',
          data: { violationId: 'V-1' as never, complied: true, by: 'li.wei', warnedAt: MONDAY_10 as never },
        },
        {
          type: 'parking.violation.closed.v1',
          data: {
            violationId: 'V-1' as never,
            outcome: 'moved_on',
            note: '劝离',
            dispatchCaseId: '',
            squad: 'dept.parking.jiefang' as never,
            closedAt: MONDAY_10 as never,
          },
        },
      ]);
  });

  it('refused and obstructing: a notice follows; a moved-on violation takes no notice', () => {
    expect(historyOf(record(), cmd('WarnDriver', { complied: false, at: MONDAY_10 }), notice()).map((e) => e.type)).toEqual([
      'parking.violation.recorded.v1',
      'parking.violation.driver_warned.v1',
      'parking.violation.notice_issued.v1',
    ]);
    spec
      .given(historyOf(record(), cmd('WarnDriver', { complied: true, at: MONDAY_10 })))
      .when(notice())
      .thenThrows(IllegalStateError);
  });

  it('the driver left before anything was served: closed; a cancellation needs its reason', () => {
    spec
      .given(historyOf(record()))
      .when(cmd('CloseViolation', { outcome: 'driver_left', note: '', at: MONDAY_10 }))
      .then([
        {
          type: 'parking.violation.closed.v1',
          data: {
            violationId: 'V-1' as never,
            outcome: 'driver_left',
            note: '',
            dispatchCaseId: '',
            squad: 'dept.parking.jiefang' as never,
            closedAt: MONDAY_10 as never,
          },
        },
      ]);
    spec
      .given(historyOf(record()))
      .when(cmd('CloseViolation', { outcome: 'cancelled', note: '', at: MONDAY_10 }))
      .thenThrows(ValidationError);
  });
});

describe('违停告知单: the notice and its come-forward deadline', () => {
  it('7 working days, counted from the day after: Monday 2 March → Wednesday 11 March 18:00', () => {
    const [e] = decider.decide(notice(), historyOf(record()).reduce(decider.evolve, decider.initialState()));
    expect(e).toMatchObject({
      type: 'parking.violation.notice_issued.v1',
      data: {
        fine: 100,
        servedBy: 'windscreen',
        comeForwardBy: shanghai('2026-03-11T18:00:00'),
        transferDueAt: shanghai('2026-03-11T18:00:00'),
      },
    });
  });

  it('the fine is 20–200 yuan: 20 and 200 pass, 19 and 201 are refused', () => {
    for (const fine of [20, 200]) expect(historyOf(record(), notice(fine))[1]!.data).toMatchObject({ fine });
    for (const fine of [19, 201, 50.5])
      spec
        .given(historyOf(record()))
        .when(notice(fine))
        .thenThrows(ValidationError, (e) => expect(e.message).toContain('between 20 and 200'));
  });

  it('camera records are served by post; only the squad (or the system) serves', () => {
    spec
      .given(historyOf(record()))
      .when(cmd('IssueNotice', { noticeNo: 'N-1', fine: null, at: MONDAY_10 }, actors.otherSquad))
      .thenThrows(ForbiddenError);
    const camera = cameras.get('CAM-JF-001')!;
    const byCamera = historyOf(
      record({ source: 'camera', camera, cameraId: camera.cameraId }, actors.camera),
      cmd('IssueNotice', { noticeNo: 'N-2', fine: null, at: MONDAY_10 }, actors.camera),
    );
    expect(byCamera[1]!.data).toMatchObject({ servedBy: 'post' });
  });

  it('day 7 vs day 8: not transferred on the last day, transferred on the next (notice ignored)', () => {
    const transfer = (local: string) => cmd('TransferToTrafficPolice', { handoverRef: 'H-1', at: shanghai(local) }, actors.system);
    spec
      .given(noticed())
      .when(transfer('2026-03-11T17:59:00'))
      .thenThrows(IllegalStateError, (e) => expect(e.message).toContain('come-forward'));
    const [handover, closed] = decider.decide(transfer('2026-03-12T09:00:00'), noticed().reduce(decider.evolve, decider.initialState()));
    expect(handover).toMatchObject({
      type: 'parking.violation.transferred.v1',
      data: { reason: 'notice_ignored', fine: 100, surchargeAccrued: 0, handoverRef: 'H-1' },
    });
    expect(closed).toMatchObject({ data: { outcome: 'transferred' } });
  });
});

describe('penalty, payment and surcharge (Art 108, 109)', () => {
  it('the owner comes forward: pay within 15 days (to the end of 17 March)', () => {
    expect(decided()[2]).toMatchObject({
      type: 'parking.violation.penalty_decided.v1',
      data: { fine: 100, payBy: shanghai('2026-03-18T00:00:00'), transferDueAt: shanghai('2026-04-01T18:00:00') },
    });
  });

  it('coming forward late is still allowed while the case is not handed over', () => {
    expect(
      historyOf(record(), notice(), cmd('DecidePenalty', { decisionNo: 'D-1', fine: 150, at: shanghai('2026-03-12T10:00:00') }))[2]!.data,
    ).toMatchObject({ fine: 150 });
  });

  it('paid on day 15: the fine only; on day 16: 3 % more; a wrong amount is refused', () => {
    const pay = (amount: number, local: string) => cmd('RecordPayment', { amount, at: shanghai(local) });
    expect(decider.decide(pay(100, '2026-03-17T23:00:00'), decided().reduce(decider.evolve, decider.initialState()))[0]).toMatchObject({
      data: { surcharge: 0, total: 100 },
    });
    const late = decider.decide(pay(103, '2026-03-18T10:00:00'), decided().reduce(decider.evolve, decider.initialState()));
    expect(late.map((e) => e.data)).toMatchObject([{ daysLate: 1, surcharge: 3, total: 103 }, { outcome: 'paid' }]);
    spec
      .given(decided())
      .when(pay(100, '2026-03-18T10:00:00'))
      .thenThrows(ValidationError, (e) => expect(e.message).toContain('103'));
  });

  it('the surcharge is capped at the fine (Art 109, 行政处罚法 Art 72)', () => {
    const payBy = Date.parse(shanghai('2026-03-18T00:00:00'));
    expect(surchargeOn(100, 3, payBy, payBy + 33 * 86_400_000)).toEqual({ daysLate: 33, surcharge: 99 });
    expect(surchargeOn(100, 3, payBy, payBy + 34 * 86_400_000)).toEqual({ daysLate: 34, surcharge: 100 });
    expect(surchargeOn(100, 3, payBy, payBy + 400 * 86_400_000).surcharge).toBe(100);
  });

  it('unpaid: handed over after the transfer date with the surcharge accrued', () => {
    const transfer = (local: string) => cmd('TransferToTrafficPolice', { handoverRef: 'H-2', at: shanghai(local) }, actors.system);
    spec.given(decided()).when(transfer('2026-04-01T17:00:00')).thenThrows(IllegalStateError);
    expect(
      decider.decide(transfer('2026-04-02T09:00:00'), decided().reduce(decider.evolve, decider.initialState()))[0]!.data,
    ).toMatchObject({ reason: 'unpaid', surchargeAccrued: 48 });
  });
});

describe('towing, prior notice and erasure', () => {
  it('towing only for an obstructing vehicle, free to the owner, who is told where', () => {
    spec
      .given(historyOf(record()))
      .when(cmd('OrderTowing', { depot: '南环停车场', reason: '占道', ownerToldBy: 'phone', at: MONDAY_10 }))
      .thenThrows(IllegalStateError);
    const towed = historyOf(
      record({ kind: 'fire_lane' }),
      cmd('OrderTowing', { depot: '南环停车场', reason: '占用消防通道', ownerToldBy: 'windscreen', at: MONDAY_10 }),
    );
    expect(towed[1]).toMatchObject({
      type: 'parking.violation.towing_ordered.v1',
      data: { chargedToOwner: false, depot: '南环停车场', ownerToldBy: 'windscreen' },
    });
    spec
      .given(historyOf(record({ kind: 'fire_lane' })))
      .when(cmd('OrderTowing', { depot: 'd', reason: 'r', ownerToldBy: 'nobody', at: MONDAY_10 }))
      .thenThrows(ValidationError);
  });

  it('行政强制事先告知书: statement within 3 working days; once', () => {
    const served = historyOf(record(), notice(), cmd('ServePriorNotice', { noticeNo: 'PN-1', at: MONDAY_10 }));
    expect(served[2]!.data).toMatchObject({ statementBy: shanghai('2026-03-05T18:00:00') });
    spec
      .given(served)
      .when(cmd('ServePriorNotice', { noticeNo: 'PN-2', at: MONDAY_10 }))
      .thenThrows(IllegalStateError);
  });

  it('erasure needs the privacy role and happens once', () => {
    const erase = (actor = actors.privacy) => cmd('EraseViolationPersonalData', { at: MONDAY_10 }, actor);
    spec.given(noticed()).when(erase(actors.officer)).thenThrows(ForbiddenError);
    const erased = historyOf(record(), erase());
    expect(erased[1]!.type).toBe('parking.violation.personal_data_erased.v1');
    spec.given(erased).when(erase()).then([]);
  });

  it('nothing happens to a violation that does not exist, and a closed one takes no payment', () => {
    spec.given([]).when(notice()).thenThrows(IllegalStateError);
    spec
      .given(historyOf(record(), cmd('WarnDriver', { complied: true, at: MONDAY_10 })))
      .when(cmd('RecordPayment', { amount: 100, at: MONDAY_10 }))
      .thenThrows(IllegalStateError);
  });
});
