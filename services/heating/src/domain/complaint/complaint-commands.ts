import { type ComplaintTerms } from '../config';
import { type Actor } from '../shared/actor';
import { type SealedContact } from './complaint-events';

/**
 * Commands of the complaint procedure. Everything `decide` needs from outside comes in the
 * command: the acting principal, the clock (`at`), the company from the service area, the terms
 * from the city's configuration and the deadlines computed with `deadlineAfter` (clock hours).
 * Fields arrive as plain values and are validated by `decide`.
 */
type Command<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data>; actor: Actor }>;

export type ReceiveComplaint = Command<
  'ReceiveComplaint',
  {
    complaintId: string;
    householdId: string;
    companyId: string;
    channel: string;
    pointId?: string;
    description: string;
    /** Already sealed by the application (the decider never sees plain personal data it would store). */
    contact: SealedContact | null;
    externalRef?: string;
    terms: ComplaintTerms;
    seasonStartsAt: string;
    measureDeadline: string;
    at: string;
  }
>;
/** 受理确认 by the company. */
export type Acknowledge = Command<'Acknowledge', { at: string }>;
/** 入户测温: by the company (initial, re-measurement) or the ordered lab (third party). */
export type RecordMeasurement = Command<
  'RecordMeasurement',
  {
    rooms: ReadonlyArray<{ room: string; roomType: string; celsius: number }>;
    method: { doorsClosedMinutes: number; position: string; heightCm: number };
    residentResponse: string;
    /** Required when the reading is sub-standard. */
    cause?: string;
    note?: string;
    photoRefs: readonly string[];
    /** `at` + the city's fix limit, computed by the handler (used only when the reading is sub-standard). */
    fixDeadline: string;
    at: string;
  }
>;
/** 第三方检测: the supervision office orders a lab after a dispute. */
export type OrderThirdPartyMeasurement = Command<'OrderThirdPartyMeasurement', { labId: string; note?: string; at: string }>;
/** 整改完成: the company reports the fix. */
export type ReportFix = Command<'ReportFix', { notes: string; photoRefs: readonly string[]; at: string }>;
export type ApproveRefund = Command<'ApproveRefund', { note?: string; at: string }>;
/** From the durable deadline scan: the measuring or fixing limit passed → overdue and 督办. */
export type MarkOverdue = Command<'MarkOverdue', { at: string }>;
/** PIPL: the contact is erased (the application deletes the complaint's data key). */
export type ErasePersonalData = Command<'ErasePersonalData', { at: string }>;

export type ComplaintCommand =
  | ReceiveComplaint
  | Acknowledge
  | RecordMeasurement
  | OrderThirdPartyMeasurement
  | ReportFix
  | ApproveRefund
  | MarkOverdue
  | ErasePersonalData;
