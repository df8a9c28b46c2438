import { type Actor } from '../shared/actor';
import { type EvaluationRating, type ReturnReason } from './case-events';

/**
 * Commands of the case loop. Everything `decide` needs from outside comes in the command: the
 * acting principal, the clock (`at`), the unit the handler routed to (responsibility matrix) and
 * the deadline it computed (business calendar). Fields arrive as plain strings and are validated
 * by `decide`, so that a handler cannot bypass the checks by building a command by hand.
 */
type Command<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data>; actor: Actor }>;

export type OpenCase = Command<
  'OpenCase',
  {
    caseId: string;
    reportId: string;
    category: string;
    cellId: string;
    district: string;
    urgency: string;
    unitId: string;
    deadline: string;
    at: string;
  }
>;
/** After an approved return (or a reopen): to another unit, with a new deadline. */
export type Redispatch = Command<'Redispatch', { unitId: string; deadline: string; at: string }>;
/** 签收 */
export type SignFor = Command<'SignFor', { at: string }>;
/** 退回申请 */
export type ApplyForReturn = Command<'ApplyForReturn', { reasons: readonly ReturnReason[]; note: string; at: string }>;
export type DecideReturn = Command<'DecideReturn', { approve: boolean; note: string; at: string }>;
/** 延期申请 */
export type ApplyForExtension = Command<'ApplyForExtension', { requestedDeadline: string; reason: string; at: string }>;
/** The centre may grant a different deadline than requested. */
export type DecideExtension = Command<'DecideExtension', { approve: boolean; approvedDeadline?: string; note: string; at: string }>;
/** 缓办 / 挂账申请 */
export type ApplyForSuspension = Command<'ApplyForSuspension', { reason: string; at: string }>;
export type DecideSuspension = Command<'DecideSuspension', { approve: boolean; note: string; at: string }>;
/** 处理反馈 */
export type ReportHandling = Command<'ReportHandling', { notes: string; photoRefs: readonly string[]; at: string }>;
/** 核查: pass closes the case (结案); fail sends it back (返工) with a new deadline from the handler. */
export type Verify = Command<
  'Verify',
  | { outcome: 'passed'; notes: string; photoRefs: readonly string[]; at: string }
  | { outcome: 'failed'; notes: string; photoRefs: readonly string[]; reworkDeadline: string; at: string }
>;
/** 督办 */
export type Supervise = Command<'Supervise', { note: string; at: string }>;
/** From the durable deadline check. */
export type MarkOverdue = Command<'MarkOverdue', { at: string }>;
export type Reopen = Command<'Reopen', { reason: string; unitId: string; deadline: string; at: string }>;
/** 综合评价 of a closed case. */
export type Evaluate = Command<'Evaluate', { rating: EvaluationRating; note: string; at: string }>;

export type CaseCommand =
  | OpenCase
  | Redispatch
  | SignFor
  | ApplyForReturn
  | DecideReturn
  | ApplyForExtension
  | DecideExtension
  | ApplyForSuspension
  | DecideSuspension
  | ReportHandling
  | Verify
  | Supervise
  | MarkOverdue
  | Reopen
  | Evaluate;
