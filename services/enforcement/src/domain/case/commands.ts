import { type Actor } from '../shared/actor';

/**
 * Commands of the penalty procedure. Everything `decide` needs from outside comes in the command:
 * the caller (from the verified token), the time (`at`, from the service clock) and ids the handler
 * generated. Fields arrive as the request gave them and are validated by `decide`, so a handler
 * cannot bypass a check by building a command by hand. The party arrives in plain text: the
 * handler seals it after the decider validated it.
 */
type Command<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data & { at: string }>; actor: Actor }>;

export type PartyInput = Readonly<{ type: string; name: string; idNumber: string; phone?: string; address?: string }>;
export type PenaltyInput = Readonly<{ kinds: readonly string[]; fineFen?: number; confiscationFen?: number; note?: string }>;
export type EvidenceInput = Readonly<{ kind: string; description: string; fileRefs: readonly string[]; cameraSiteId?: string }>;
export type SourceInput = Readonly<{ kind: string; ref?: string; description: string; location: string; category?: string }>;

/** 案源登记: an officer records a source; the squad is the officer's unless a bureau head assigns one. */
export type RegisterSource = Command<
  'RegisterSource',
  { caseId: string; squadId: string; district: string; source: SourceInput; party?: PartyInput | null }
>;
export type IdentifyParty = Command<'IdentifyParty', { party: PartyInput }>;
/** 核查延期 (+10 working days, once, with approval). */
export type ExtendLeadCheck = Command<'ExtendLeadCheck', { reason: string }>;
/** 调查取证: an act by at least two officers (Art 42), with the evidence it produced. */
export type RecordInvestigation = Command<
  'RecordInvestigation',
  { actId: string; kind: string; officers: readonly string[]; notes: string; evidence: readonly EvidenceInput[] }
>;
/** 先行登记保存 (Art 56), approved by the squad's head. */
export type PreserveEvidence = Command<
  'PreserveEvidence',
  { preservationId: string; items: readonly string[]; officers: readonly string[] }
>;
export type DecidePreservation = Command<'DecidePreservation', { preservationId: string; disposition: string; note: string }>;
/** 立案 (approval) with the cause and the flags that may call for legal review. */
export type FileCase = Command<'FileCase', { cause: string; flags: readonly string[] }>;
/** 不予立案, with the reason, approved. */
export type DecideNotToFile = Command<'DecideNotToFile', { reason: string }>;
/** 法制审核 (Art 58). */
export type RecordLegalReview = Command<'RecordLegalReview', { outcome: string; opinion: string }>;
/** 事先告知 (Art 44): facts, grounds, the intended penalty; the rights follow from the policy. */
export type IssuePriorNotice = Command<'IssuePriorNotice', { facts: string; grounds: string; intended: PenaltyInput }>;
/** 陈述申辩 (Art 45), recorded by the officer; `waivesHearing`: the party said it wants none. */
export type RecordStatement = Command<'RecordStatement', { summary: string; waivesHearing: boolean }>;
export type RequestHearing = Command<'RequestHearing', Record<never, never>>;
export type ScheduleHearing = Command<'ScheduleHearing', { hearingAt: string; place: string }>;
export type RecordHearing = Command<'RecordHearing', { record: string }>;
/** 延长办案期限 (Art 60), with approval, a reason and the new limit in calendar days. */
export type ExtendDecisionLimit = Command<'ExtendDecisionLimit', { reason: string; extraDays: number }>;
/** 处罚决定 (Art 57): penalty, no penalty, or transfer to the judiciary. */
export type Decide = Command<'Decide', { outcome: string; penalty?: PenaltyInput | null; reasons: string }>;
/** 简易程序 (Art 51): decided and served on the spot. */
export type DecideOnTheSpot = Command<
  'DecideOnTheSpot',
  {
    caseId: string;
    squadId: string;
    district: string;
    source: SourceInput;
    party: PartyInput;
    penalty: PenaltyInput;
    officers: readonly string[];
    facts: string;
  }
>;
export type RecordServiceConsent = Command<'RecordServiceConsent', { channel: string }>;
/** 送达 (Art 61). */
export type ServeDecision = Command<'ServeDecision', { method: string }>;
export type RecordPayment = Command<'RecordPayment', { amountFen: number; receipt: string }>;
/** 催告 (行政强制法 Art 54). */
export type DemandPayment = Command<'DemandPayment', Record<never, never>>;
/** 申请法院强制执行 (非诉执行, 行政强制法 Art 53). */
export type ApplyToCourt = Command<'ApplyToCourt', { court: string }>;
export type RecordCourtRuling = Command<'RecordCourtRuling', { ruling: string; note: string }>;
/** 双公示. */
export type PublishDecision = Command<'PublishDecision', Record<never, never>>;
export type RevokeDecision = Command<'RevokeDecision', { reason: string }>;
export type WithdrawPublication = Command<'WithdrawPublication', Record<never, never>>;
/** From the durable deadline scan. */
export type MarkDeadlineMissed = Command<'MarkDeadlineMissed', { kind: string; deadline: string }>;
/** 责令停止建设 (城乡规划法 Art 64/68): a building going up without a permit is ordered to stop at once. */
export type OrderStopConstruction = Command<'OrderStopConstruction', { order: string }>;
/** 公告 (行政强制法 Art 44): the served order to demolish is announced with the party's own period, in calendar days. */
export type AnnounceDemolition = Command<'AnnounceDemolition', { periodDays: number; notice: string }>;
/** 催告 (行政强制法 Art 35): the party has not demolished in its period; 10 working days to comply. */
export type DemandDemolition = Command<'DemandDemolition', Record<never, never>>;
/** 强制拆除决定 (行政强制法 Art 37, 44): only once the demand ran out and the review and litigation periods lapsed. */
export type DecideForcedDemolition = Command<'DecideForcedDemolition', { reasons: string }>;
/** 代履行 announced at least 3 working days ahead (Art 51), never at night or on a holiday (Art 43). */
export type ScheduleDemolition = Command<'ScheduleDemolition', { demolitionAt: string; executor: string }>;
/** The structure is gone: removed by the party itself, or by the authority on the scheduled day. */
export type RecordDemolition = Command<'RecordDemolition', { by: string; note: string }>;
export type CloseCase = Command<'CloseCase', { result: string }>;
export type ArchiveCase = Command<'ArchiveCase', Record<never, never>>;
export type ErasePersonalData = Command<'ErasePersonalData', Record<never, never>>;

export type EnforcementCommand =
  | RegisterSource
  | IdentifyParty
  | ExtendLeadCheck
  | RecordInvestigation
  | PreserveEvidence
  | DecidePreservation
  | FileCase
  | DecideNotToFile
  | RecordLegalReview
  | IssuePriorNotice
  | RecordStatement
  | RequestHearing
  | ScheduleHearing
  | RecordHearing
  | ExtendDecisionLimit
  | Decide
  | DecideOnTheSpot
  | RecordServiceConsent
  | ServeDecision
  | RecordPayment
  | DemandPayment
  | ApplyToCourt
  | RecordCourtRuling
  | PublishDecision
  | RevokeDecision
  | WithdrawPublication
  | MarkDeadlineMissed
  | OrderStopConstruction
  | AnnounceDemolition
  | DemandDemolition
  | DecideForcedDemolition
  | ScheduleDemolition
  | RecordDemolition
  | CloseCase
  | ArchiveCase
  | ErasePersonalData;

export type EnforcementCommandType = EnforcementCommand['type'];
