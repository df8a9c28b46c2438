import { assertNever, type Decider } from '@yiwang/kernel-core';
import { type ViolationCommand } from './violation-commands';
import {
  closeViolation,
  decidePenalty,
  eraseViolationPersonalData,
  issueNotice,
  orderTowing,
  recordPayment,
  servePriorNotice,
  transferToTrafficPolice,
  warnDriver,
  type ViolationContext,
} from './violation-decide';
import { type ViolationEvent } from './violation-events';
import { recordViolation } from './violation-record';
import { evolveViolation, initialViolationState, type ViolationState } from './violation-state';

/** The violation aggregate (`parking-violation-<id>`), with the city's rules and calendar as data. */
export function violationDecider(ctx: ViolationContext): Decider<ViolationCommand, ViolationEvent, ViolationState> {
  const decide = (command: ViolationCommand, state: ViolationState): readonly ViolationEvent[] => {
    switch (command.type) {
      case 'RecordViolation':
        return recordViolation(command, state, ctx.rules);
      case 'WarnDriver':
        return warnDriver(command, state);
      case 'IssueNotice':
        return issueNotice(command, state, ctx);
      case 'ServePriorNotice':
        return servePriorNotice(command, state, ctx);
      case 'OrderTowing':
        return orderTowing(command, state);
      case 'DecidePenalty':
        return decidePenalty(command, state, ctx);
      case 'RecordPayment':
        return recordPayment(command, state, ctx);
      case 'TransferToTrafficPolice':
        return transferToTrafficPolice(command, state, ctx);
      case 'CloseViolation':
        return closeViolation(command, state);
      case 'EraseViolationPersonalData':
        return eraseViolationPersonalData(command, state);
      default:
        return assertNever(command, 'violation command');
    }
  };
  return { initialState: initialViolationState, decide, evolve: evolveViolation };
}
