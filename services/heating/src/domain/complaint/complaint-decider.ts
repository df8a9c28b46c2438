import { assertNever, type Decider } from '@yiwang/kernel-core';
import { type ComplaintCommand } from './complaint-commands';
import { acknowledge, approveRefund, erasePersonalData, markOverdue, orderThirdParty, receiveComplaint } from './complaint-decide-office';
import { recordMeasurement, reportFix } from './complaint-decide-measure';
import { type ComplaintEvent } from './complaint-events';
import { evolveComplaint, initialComplaintState, type ComplaintState } from './complaint-state';

/** The heating complaint aggregate (`heating-complaint-<id>`). */
export function decideComplaint(command: ComplaintCommand, state: ComplaintState): readonly ComplaintEvent[] {
  switch (command.type) {
    case 'ReceiveComplaint':
      return receiveComplaint(command, state);
    case 'Acknowledge':
      return acknowledge(command, state);
    case 'RecordMeasurement':
      return recordMeasurement(command, state);
    case 'OrderThirdPartyMeasurement':
      return orderThirdParty(command, state);
    case 'ReportFix':
      return reportFix(command, state);
    case 'ApproveRefund':
      return approveRefund(command, state);
    case 'MarkOverdue':
      return markOverdue(command, state);
    case 'ErasePersonalData':
      return erasePersonalData(command, state);
    default:
      return assertNever(command, 'heating complaint command');
  }
}

export const complaintDecider: Decider<ComplaintCommand, ComplaintEvent, ComplaintState> = {
  initialState: initialComplaintState,
  decide: decideComplaint,
  evolve: evolveComplaint,
};
