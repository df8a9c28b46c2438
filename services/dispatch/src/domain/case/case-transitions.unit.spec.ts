import { deciderSpec, fold, ForbiddenError, IllegalStateError, NotFoundError } from '@yiwang/kernel-core';
import { caseDecider } from './case-decider';
import { type CaseCommand } from './case-commands';
import { type CaseEvent } from './case-events';
import { type CaseStatus } from './case-state';
import {
  CASE_ID,
  HISTORIES,
  OTHER_UNIT,
  REPORT_ID,
  UNIT,
  closed,
  commandCentre,
  dispatched,
  handled,
  inspector,
  opened,
  scheduler,
  signed,
  supervisionCentre,
  t,
  unitActor,
  verifiedPassed,
} from './case-fixtures';

/**
 * The whole transition table: every command in every state. Allowed pairs must produce events;
 * every other pair must fail with the error that names why (no case → NotFound, a unit acting on
 * a case that is at the centre → Forbidden, anything else → IllegalState naming state and command).
 */
const spec = deciderSpec(caseDecider);
const later = t('17:00');
const at = t('14:40'); // after the fixtures' 14:30 deadline, so MarkOverdue is due

const COMMANDS: Record<CaseCommand['type'], CaseCommand> = {
  OpenCase: {
    type: 'OpenCase',
    actor: commandCentre,
    data: {
      caseId: CASE_ID,
      reportId: REPORT_ID,
      category: 'event.01.02',
      cellId: 'c1',
      district: '解放区',
      urgency: 'normal',
      unitId: UNIT,
      deadline: later,
      at,
    },
  },
  Redispatch: { type: 'Redispatch', actor: commandCentre, data: { unitId: OTHER_UNIT, deadline: later, at } },
  SignFor: { type: 'SignFor', actor: unitActor, data: { at } },
  ApplyForReturn: { type: 'ApplyForReturn', actor: unitActor, data: { reasons: ['not_our_remit'], note: '', at } },
  DecideReturn: { type: 'DecideReturn', actor: commandCentre, data: { approve: true, note: '', at } },
  ApplyForExtension: { type: 'ApplyForExtension', actor: unitActor, data: { requestedDeadline: later, reason: 'r', at } },
  DecideExtension: { type: 'DecideExtension', actor: commandCentre, data: { approve: true, note: '', at } },
  ApplyForSuspension: { type: 'ApplyForSuspension', actor: unitActor, data: { reason: 'r', at } },
  DecideSuspension: { type: 'DecideSuspension', actor: commandCentre, data: { approve: true, note: '', at } },
  ReportHandling: { type: 'ReportHandling', actor: unitActor, data: { notes: 'n', photoRefs: [], at } },
  Verify: { type: 'Verify', actor: inspector, data: { outcome: 'passed', notes: '', photoRefs: [], at } },
  Supervise: { type: 'Supervise', actor: commandCentre, data: { note: 'n', at } },
  MarkOverdue: { type: 'MarkOverdue', actor: scheduler, data: { at } },
  Reopen: {
    type: 'Reopen',
    actor: commandCentre,
    data: { reason: 'r', unitId: UNIT, deadline: t('17:00', '2025-03-04'), at: t('09:00', '2025-03-04') },
  },
  Evaluate: { type: 'Evaluate', actor: supervisionCentre, data: { rating: 'satisfied', note: '', at } },
};

const held = ['dispatched', 'handling', 'return_requested', 'extension_requested', 'suspension_requested'] as const;
const ALLOWED: Record<CaseCommand['type'], readonly CaseStatus[]> = {
  OpenCase: ['none'],
  Redispatch: ['awaiting_dispatch'],
  SignFor: ['dispatched'],
  ApplyForReturn: ['dispatched', 'handling'],
  DecideReturn: ['return_requested'],
  ApplyForExtension: ['handling'],
  DecideExtension: ['extension_requested'],
  ApplyForSuspension: ['handling'],
  DecideSuspension: ['suspension_requested'],
  ReportHandling: ['handling', 'suspended'],
  Verify: ['awaiting_verification'],
  Supervise: [...held, 'suspended'],
  MarkOverdue: held,
  Reopen: ['closed'],
  Evaluate: ['closed'],
};
const UNIT_COMMANDS = new Set(['SignFor', 'ApplyForReturn', 'ApplyForExtension', 'ApplyForSuspension', 'ReportHandling']);
const STATES = Object.keys(HISTORIES) as (keyof typeof HISTORIES)[];

const pairs = Object.values(COMMANDS).flatMap((command) => STATES.map((status) => [command.type, status, command] as const));

describe('case transition table', () => {
  it.each(pairs.filter(([type, status]) => ALLOWED[type].includes(status)))('%s in %s produces events', (_type, status, command) => {
    const events = caseDecider.decide(command, fold(caseDecider, caseDecider.initialState(), HISTORIES[status]));
    expect(events.length).toBeGreaterThan(0);
  });

  it.each(pairs.filter(([type, status]) => !ALLOWED[type].includes(status)))('%s in %s is refused', (type, status, command) => {
    const when = spec.given(HISTORIES[status]).when(command);
    if (status === 'none') return when.thenThrows(NotFoundError);
    if (UNIT_COMMANDS.has(type) && (status === 'awaiting_dispatch' || status === 'closed')) return when.thenThrows(ForbiddenError);
    when.thenThrows(IllegalStateError, (e) => {
      expect(e.message).toContain(type);
      expect(e.message).toContain(status);
      expect(e.context).toMatchObject({ command: type, status });
    });
  });
});

describe('evolve', () => {
  const state = (events: readonly CaseEvent[]) => fold(caseDecider, caseDecider.initialState(), events);

  it('each history reaches the state it is named after', () => {
    for (const status of STATES) expect(state(HISTORIES[status]).status).toBe(status);
  });

  it('keeps counts across the loop and copies instead of mutating', () => {
    const before = state([opened, dispatched(), signed]);
    const snapshot = JSON.stringify(before);
    const s = state([
      opened,
      dispatched(),
      signed,
      { type: 'dispatch.case.supervised.v1', data: { caseId: CASE_ID, unitId: UNIT, note: 'n', by: 'li.na', supervisedAt: t('11:00') } },
      handled(),
      {
        type: 'dispatch.case.verified.v1',
        data: { caseId: CASE_ID, inspector: 'sun.hao', outcome: 'failed', notes: 'x', photoRefs: [], verifiedAt: t('14:00') },
      },
      {
        type: 'dispatch.case.rework_ordered.v1',
        data: { caseId: CASE_ID, unitId: UNIT, reason: 'x', deadline: t('16:00'), reworkCount: 1, orderedAt: t('14:00') },
      },
      handled(t('15:00'), t('16:00')),
      verifiedPassed,
      closed,
    ]);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(s).toMatchObject({ status: 'closed', reworkCount: 1, supervisionCount: 1, closedOnTime: true, unitId: UNIT, evaluation: null });
    expect(s).not.toHaveProperty('deadline');
  });

  it('refuses a corrupt stream rather than guessing', () => {
    expect(() => state([signed])).toThrow(/corrupt/);
    expect(() => state([opened, dispatched(), closed])).toThrow(/corrupt/);
  });
});
