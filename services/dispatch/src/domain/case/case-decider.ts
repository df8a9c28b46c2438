import { assertNever, type Decider } from '@yiwang/kernel-core';
import { type CaseCommand } from './case-commands';
import {
  decideExtension,
  decideReturn,
  decideSuspension,
  evaluate,
  markOverdue,
  openCase,
  redispatch,
  reopen,
  supervise,
  verify,
} from './case-decide-centre';
import { applyForExtension, applyForReturn, applyForSuspension, reportHandling, signFor } from './case-decide-unit';
import { type CaseEvent } from './case-events';
import { evolveCase, initialCaseState, type CaseState } from './case-state';

/** The case aggregate (`case-<id>`): the 七步闭环 from dispatch to evaluation. */
export function decideCase(command: CaseCommand, state: CaseState): readonly CaseEvent[] {
  switch (command.type) {
    case 'OpenCase':
      return openCase(command, state);
    case 'Redispatch':
      return redispatch(command, state);
    case 'SignFor':
      return signFor(command, state);
    case 'ApplyForReturn':
      return applyForReturn(command, state);
    case 'DecideReturn':
      return decideReturn(command, state);
    case 'ApplyForExtension':
      return applyForExtension(command, state);
    case 'DecideExtension':
      return decideExtension(command, state);
    case 'ApplyForSuspension':
      return applyForSuspension(command, state);
    case 'DecideSuspension':
      return decideSuspension(command, state);
    case 'ReportHandling':
      return reportHandling(command, state);
    case 'Verify':
      return verify(command, state);
    case 'Supervise':
      return supervise(command, state);
    case 'MarkOverdue':
      return markOverdue(command, state);
    case 'Reopen':
      return reopen(command, state);
    case 'Evaluate':
      return evaluate(command, state);
    default:
      return assertNever(command, 'case command');
  }
}

export const caseDecider: Decider<CaseCommand, CaseEvent, CaseState> = {
  initialState: initialCaseState,
  decide: decideCase,
  evolve: evolveCase,
};
