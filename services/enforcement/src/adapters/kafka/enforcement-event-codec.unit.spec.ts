import { cmd, history, noticed, people, t, TWO } from '../../domain/case/procedure.fixtures';
import { type EnforcementEvent } from '../../domain';
import { ENFORCEMENT_EVENT_TYPES, enforcementEventCodec } from './enforcement-event-codec';

/** Procedures that between them produce every event type, nulls included. */
function everyKindOfEvent(): EnforcementEvent[] {
  const heard = [
    ...noticed({ kinds: ['fine'], fineFen: 1_000_000 }),
    cmd.requestHearing(t('2025-03-12 09:00')),
    cmd.schedule(t('2025-03-12 10:00'), t('2025-03-24 09:00')),
    cmd.holdHearing(t('2025-03-24 11:00')),
    cmd.review(t('2025-03-24 15:00')),
  ];
  const decided = [
    ...heard,
    cmd.raw('ExtendDecisionLimit', people.head, { reason: '专家论证', extraDays: 10, at: t('2025-03-25 09:00') }),
    cmd.raw('RecordServiceConsent', people.officer, { channel: 'mail', at: t('2025-03-25 09:30') }),
    cmd.decide(t('2025-03-25 10:00'), { kinds: ['fine'], fineFen: 900_000 }),
  ];
  const served = [...decided, cmd.publish(t('2025-03-26 10:00')), cmd.serve(t('2025-03-26 11:00'), 'electronic')];
  return [
    ...history(
      ...served,
      cmd.demand(t('2025-09-30 10:00')),
      cmd.court(t('2025-10-22 10:00')),
      cmd.raw('RecordCourtRuling', people.officer, { ruling: 'enforce', note: '准予执行', at: t('2025-10-23 10:00') }),
      cmd.revoke(t('2025-10-24 10:00')),
      cmd.withdraw(t('2025-10-27 10:00')),
      cmd.close(t('2025-10-28 10:00')),
      cmd.raw('ArchiveCase', people.officer, { at: t('2025-10-29 10:00') }),
      cmd.raw('ErasePersonalData', people.leader, { at: t('2025-10-30 10:00') }),
    ),
    ...history(...served, cmd.pay(t('2025-04-01 10:00'), 900_000)),
    ...history(...noticed(), cmd.statement(t('2025-03-11 09:00'))),
    ...history(
      cmd.register(t('2025-03-03 09:00'), { party: null }),
      cmd.raw('IdentifyParty', people.officer, {
        party: { type: 'person', name: '王五', idNumber: '410802199001011234' },
        at: t('2025-03-03 10:00'),
      }),
      cmd.raw('ExtendLeadCheck', people.leader, { reason: '调档', at: t('2025-03-10 10:00') }),
      cmd.raw('PreserveEvidence', people.leader, { preservationId: 'P1', items: ['钢材'], officers: TWO, at: t('2025-03-10 11:00') }),
      cmd.raw('DecidePreservation', people.leader, { preservationId: 'P1', disposition: 'return', note: '', at: t('2025-03-11 10:00') }),
      cmd.raw('DecideNotToFile', people.leader, { reason: '已整改', at: t('2025-03-12 10:00') }),
    ),
    ...history(
      ...noticed({ kinds: ['order_demolition'] }),
      cmd.statement(t('2025-03-11 09:00')),
      cmd.review(t('2025-03-11 15:00')),
      cmd.decide(t('2025-03-12 10:00'), { kinds: ['order_demolition'] }),
      cmd.serve(t('2025-03-13 10:00')),
      cmd.raw('AnnounceDemolition', people.leader, { periodDays: 30, notice: '限期拆除公告', at: t('2025-03-14 10:00') }),
      cmd.raw('DemandDemolition', people.officer, { at: t('2025-04-14 09:00') }),
      cmd.raw('DecideForcedDemolition', people.leader, { reasons: '逾期不拆', at: t('2025-09-14 10:00') }),
      cmd.raw('ScheduleDemolition', people.leader, { demolitionAt: t('2025-09-19 09:00'), executor: '拆违办', at: t('2025-09-15 09:00') }),
      cmd.raw('RecordDemolition', people.officer, { by: 'authority', note: '已拆除', at: t('2025-09-19 12:00') }),
    ),
    ...history(
      cmd.register(t('2025-03-03 09:00')),
      cmd.raw('OrderStopConstruction', people.officer, { order: '停止建设', at: t('2025-03-03 10:00') }),
    ),
    ...history(cmd.register(t('2025-03-03 09:00')), cmd.missed(t('2025-03-25 09:00'), 'lead_check', t('2025-03-24 18:00'))),
    ...history(
      cmd.register(t('2025-03-03 09:00')),
      cmd.act(t('2025-03-04 10:00')),
      cmd.file(t('2025-03-05 10:00')),
      cmd.decide(t('2025-03-06 10:00'), null, 'transfer'),
    ),
    ...history(
      cmd.raw('DecideOnTheSpot', people.officer, {
        caseId: 'EF-S',
        squadId: 'squad.jiefang.1',
        district: '解放区',
        source: { kind: 'own_discovery', description: '摊贩', location: '路口' },
        party: { type: 'person', name: '李四', idNumber: '410802198505051234' },
        penalty: { kinds: ['warning'] },
        officers: TWO,
        facts: '占道',
        at: t('2025-03-03 10:00'),
      }),
    ),
  ];
}

describe('the codec of yiwang.enforcement.events.v1', () => {
  const events = everyKindOfEvent();

  it('covers every event type of the domain', () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(ENFORCEMENT_EVENT_TYPES));
  });

  it('round-trips every event through protobuf, nulls included', () => {
    const codec = enforcementEventCodec();
    for (const e of events) {
      const encoded = codec.encode(e.type, e.data);
      expect(encoded.contentType).toMatch(/^application\/protobuf; messageType=yiwang\.enforcement\.v1\./);
      expect(codec.decode(encoded.contentType, e.type, encoded.bytes)).toEqual(JSON.parse(JSON.stringify(e.data)));
    }
  });
});
