import { assertNever, type Decider } from '@yiwang/kernel-core';
import { type EnforcementPolicy } from '../policy/policy';
import { type EnforcementCommand } from './commands';
import {
  decide,
  decideOnTheSpot,
  publishDecision,
  recordServiceConsent,
  revokeDecision,
  serveDecision,
  withdrawPublication,
} from './decide-decision';
import {
  announceDemolition,
  decideForcedDemolition,
  demandDemolition,
  orderStopConstruction,
  recordDemolition,
  scheduleDemolition,
} from './decide-demolition';
import {
  applyToCourt,
  archiveCase,
  closeCase,
  demandPayment,
  erasePersonalData,
  markDeadlineMissed,
  recordCourtRuling,
  recordPayment,
} from './decide-execution';
import {
  decideNotToFile,
  decidePreservation,
  extendLeadCheck,
  fileCase,
  identifyParty,
  preserveEvidence,
  recordInvestigation,
  registerSource,
} from './decide-lead';
import {
  extendDecisionLimit,
  issuePriorNotice,
  recordHearing,
  recordLegalReview,
  recordStatement,
  requestHearing,
  scheduleHearing,
} from './decide-notice';
import { type EnforcementEvent } from './events';
import { evolveCase, initialCaseState, type CaseState } from './state';

/** The enforcement case (`enforcement-<id>`): the penalty procedure from 案源 to 归档, under `policy`. */
export function decideCase(command: EnforcementCommand, state: CaseState, policy: EnforcementPolicy): readonly EnforcementEvent[] {
  switch (command.type) {
    case 'RegisterSource':
      return registerSource(command, state, policy);
    case 'IdentifyParty':
      return identifyParty(command, state);
    case 'ExtendLeadCheck':
      return extendLeadCheck(command, state, policy);
    case 'RecordInvestigation':
      return recordInvestigation(command, state, policy);
    case 'PreserveEvidence':
      return preserveEvidence(command, state, policy);
    case 'DecidePreservation':
      return decidePreservation(command, state);
    case 'FileCase':
      return fileCase(command, state, policy);
    case 'DecideNotToFile':
      return decideNotToFile(command, state);
    case 'RecordLegalReview':
      return recordLegalReview(command, state);
    case 'IssuePriorNotice':
      return issuePriorNotice(command, state, policy);
    case 'RecordStatement':
      return recordStatement(command, state);
    case 'RequestHearing':
      return requestHearing(command, state);
    case 'ScheduleHearing':
      return scheduleHearing(command, state, policy);
    case 'RecordHearing':
      return recordHearing(command, state);
    case 'ExtendDecisionLimit':
      return extendDecisionLimit(command, state);
    case 'Decide':
      return decide(command, state, policy);
    case 'DecideOnTheSpot':
      return decideOnTheSpot(command, state, policy);
    case 'RecordServiceConsent':
      return recordServiceConsent(command, state);
    case 'ServeDecision':
      return serveDecision(command, state, policy);
    case 'RecordPayment':
      return recordPayment(command, state, policy);
    case 'DemandPayment':
      return demandPayment(command, state, policy);
    case 'ApplyToCourt':
      return applyToCourt(command, state);
    case 'RecordCourtRuling':
      return recordCourtRuling(command, state);
    case 'PublishDecision':
      return publishDecision(command, state);
    case 'RevokeDecision':
      return revokeDecision(command, state, policy);
    case 'WithdrawPublication':
      return withdrawPublication(command, state);
    case 'MarkDeadlineMissed':
      return markDeadlineMissed(command, state);
    case 'OrderStopConstruction':
      return orderStopConstruction(command, state);
    case 'AnnounceDemolition':
      return announceDemolition(command, state, policy);
    case 'DemandDemolition':
      return demandDemolition(command, state, policy);
    case 'DecideForcedDemolition':
      return decideForcedDemolition(command, state);
    case 'ScheduleDemolition':
      return scheduleDemolition(command, state, policy);
    case 'RecordDemolition':
      return recordDemolition(command, state);
    case 'CloseCase':
      return closeCase(command, state);
    case 'ArchiveCase':
      return archiveCase(command, state);
    case 'ErasePersonalData':
      return erasePersonalData(command, state);
    default:
      return assertNever(command, 'enforcement command');
  }
}

export const enforcementDecider = (policy: EnforcementPolicy): Decider<EnforcementCommand, EnforcementEvent, CaseState> => ({
  initialState: initialCaseState,
  decide: (command, state) => decideCase(command, state, policy),
  evolve: evolveCase,
});
