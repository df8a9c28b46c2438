// Fixtures of the decider specs (not used by production code): people, a policy on the shipped
// calendar, and `history(...)`, which runs commands through the decider itself so a spec's
// "given" is a real procedure rather than hand-written events.
import { deciderSpec } from '@yiwang/kernel-core';
import { shippedPolicy } from '../policy/policy';
import { type Actor } from '../shared/actor';
import { type EnforcementCommand } from './commands';
import { enforcementDecider } from './decider';
import { type EnforcementEvent } from './events';
import { type CaseState } from './state';

export const policy = shippedPolicy();
export const decider = enforcementDecider(policy);
export const spec = deciderSpec(decider);

export const SQUAD = 'squad.jiefang.1';
export const people = {
  officer: { subject: 'zhang.wei', department: SQUAD, roles: ['enforcement.officer'] },
  leader: { subject: 'li.qiang', department: SQUAD, roles: ['enforcement.approver'] },
  otherSquad: { subject: 'wu.gang', department: 'squad.shanyang.2', roles: ['enforcement.officer', 'enforcement.approver'] },
  head: { subject: 'zhou.ju', department: 'bureau.enforcement', roles: ['enforcement.bureau-head'] },
  reviewer: { subject: 'fa.zhi', department: 'bureau.legal', roles: ['enforcement.legal-reviewer'] },
  hearing: { subject: 'ting.zheng', department: 'bureau.legal', roles: ['enforcement.hearing-officer'] },
  system: { subject: 'deadline-scan', department: 'system.enforcement', roles: ['system'] },
} satisfies Record<string, Actor>;

export const PERSON = {
  type: 'person',
  name: '王小明',
  idNumber: '410802199001011234',
  phone: '13800000000',
  address: '解放区民主路 1 号',
};
export const COMPANY = {
  type: 'organisation',
  name: '焦作市某某建筑有限公司',
  idNumber: '91410800MA44ABCD1X',
  phone: '0391-1234567',
  address: '山阳区',
};
export const TWO = ['zhang.wei', 'liu.yang'];

/** Local Shanghai wall time → canonical instant string (`2025-03-03 09:00` → `…Z`). */
export const t = (local: string): string => new Date(`${local.replace(' ', 'T')}:00+08:00`).toISOString();

type Cmd = EnforcementCommand;
const c = <T extends Cmd['type']>(type: T, actor: Actor, data: object): Cmd => ({ type, actor, data }) as unknown as Cmd;

export const cmd = {
  register: (at: string, over: object = {}) =>
    c('RegisterSource', people.officer, {
      caseId: 'EF-1',
      squadId: SQUAD,
      district: '解放区',
      source: { kind: 'own_discovery', description: '屋顶加盖彩钢房', location: '民主路 1 号', category: 'event.01.01' },
      party: PERSON,
      at,
      ...over,
    }),
  act: (at: string, over: object = {}) =>
    c('RecordInvestigation', people.officer, {
      actId: `A-${at}`,
      kind: 'inspection',
      officers: TWO,
      notes: '现场检查, 制作笔录',
      evidence: [{ kind: 'inspection_record', description: '现场检查笔录', fileRefs: ['f/1.pdf'] }],
      at,
      ...over,
    }),
  file: (at: string, flags: string[] = []) => c('FileCase', people.leader, { cause: '未取得建设工程规划许可证进行建设', flags, at }),
  notice: (at: string, intended: object = { kinds: ['fine'], fineFen: 300_000 }) =>
    c('IssuePriorNotice', people.officer, { facts: '违法事实', grounds: '《城乡规划法》第六十四条', intended, at }),
  statement: (at: string, waivesHearing = true) => c('RecordStatement', people.officer, { summary: '当事人称已知错', waivesHearing, at }),
  requestHearing: (at: string) => c('RequestHearing', people.officer, { at }),
  schedule: (at: string, hearingAt: string) => c('ScheduleHearing', people.hearing, { hearingAt, place: '局听证室', at }),
  holdHearing: (at: string) => c('RecordHearing', people.hearing, { record: '听证笔录', at }),
  review: (at: string, outcome = 'approved') => c('RecordLegalReview', people.reviewer, { outcome, opinion: '事实清楚, 证据确凿', at }),
  decide: (at: string, penalty: object | null = { kinds: ['fine'], fineFen: 300_000 }, outcome = 'penalty') =>
    c('Decide', people.leader, { outcome, penalty, reasons: '依法决定', at }),
  serve: (at: string, method = 'in_person') => c('ServeDecision', people.officer, { method, at }),
  pay: (at: string, amountFen: number) => c('RecordPayment', people.officer, { amountFen, receipt: 'R-1', at }),
  demand: (at: string) => c('DemandPayment', people.officer, { at }),
  court: (at: string) => c('ApplyToCourt', people.leader, { court: '解放区人民法院', at }),
  publish: (at: string) => c('PublishDecision', people.officer, { at }),
  revoke: (at: string) => c('RevokeDecision', people.head, { reason: '复议撤销', at }),
  withdraw: (at: string) => c('WithdrawPublication', people.officer, { at }),
  close: (at: string) => c('CloseCase', people.leader, { result: '已执行完毕', at }),
  missed: (at: string, kind: string, deadline: string) => c('MarkDeadlineMissed', people.system, { kind, deadline, at }),
  as: (actor: Actor, command: Cmd): Cmd => ({ ...command, actor }),
  raw: c,
};

/** Runs commands through the decider, returning every event (the "given" of a spec). */
export function history(...commands: Cmd[]): EnforcementEvent[] {
  const events: EnforcementEvent[] = [];
  let state: CaseState = decider.initialState();
  for (const command of commands) {
    const produced = decider.decide(command, state);
    events.push(...produced);
    state = produced.reduce(decider.evolve, state);
  }
  return events;
}

export const stateOf = (events: readonly EnforcementEvent[]): CaseState => events.reduce(decider.evolve, decider.initialState());

/** A filed case with one investigation act (Mon 3 March 2025 → filed Wed 5 March). */
export const filed = (): Cmd[] => [cmd.register(t('2025-03-03 09:00')), cmd.act(t('2025-03-04 10:00')), cmd.file(t('2025-03-05 10:00'))];
/** ... and the prior notice of a 3,000-yuan fine served Mon 10 March (no hearing right). */
export const noticed = (intended?: object): Cmd[] => [...filed(), cmd.notice(t('2025-03-10 10:00'), intended)];
