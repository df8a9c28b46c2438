import { type CellRef } from '../geo/unit-grid';
import { type Actor } from '../shared/values';
import { type CategorySnapshot, type Channel, type RejectionReason } from './report-events';

/**
 * Commands of the report stream. The handler resolves everything that needs I/O or shared data
 * first: the category from the table (as a snapshot), the location converted to WGS84 and its
 * grid cell (null when the point is in the city but off the grid), a duplicate master found by
 * `findDuplicateMaster` over the open reports, a tracking token for the reporter, and the clock.
 */
type Command<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data>; actor: Actor }>;

export type ReceiveReport = Command<
  'ReceiveReport',
  {
    reportId: string;
    channel: Channel;
    category: CategorySnapshot;
    location: Readonly<{ lat: number; lon: number }>;
    cell: CellRef | null;
    description: string;
    photoRefs: readonly string[];
    reporter?: Readonly<{ name?: string; phone?: string }>;
    sensor?: Readonly<{ deviceId: string; alarmId: string }>;
    externalId?: string;
    trackingToken?: string;
    duplicateOf?: Readonly<{ reportId: string; caseId: string | null }>;
    /** The flat of a heating complaint (供热投诉): such a report is handed to heating. */
    household?: Readonly<{ compound: string; building: string; unit: string; room: string }>;
    at: string;
  }
>;
/** 立案 by the supervision centre; it may correct the cell of an off-grid report. */
export type FileReport = Command<'FileReport', { cell?: CellRef; note?: string; at: string }>;
/** 不予立案 */
export type RejectReport = Command<'RejectReport', { reason: RejectionReason; note?: string; at: string }>;
/** The centre merges a waiting report into another report's open case. */
export type MarkDuplicate = Command<'MarkDuplicate', { masterReportId: string; caseId: string | null; at: string }>;
/** On the master: one more report was merged into it. */
export type AbsorbDuplicate = Command<'AbsorbDuplicate', { duplicateReportId: string; at: string }>;
/** From dispatch's CaseOpened: remember which case handles this report. */
export type LinkCase = Command<'LinkCase', { caseId: string; at: string }>;
/** Tell the reporter the current result (filed, not filed, merged, closed). */
export type NotifyReporter = Command<'NotifyReporter', { at: string }>;
/** From dispatch's CaseClosed. */
export type CloseReport = Command<'CloseReport', { caseId: string | null; at: string }>;
/** PIPL erasure request, or the retention period ran out. */
export type EraseReporterContact = Command<'EraseReporterContact', { reason: string; at: string }>;

export type ReportCommand =
  | ReceiveReport
  | FileReport
  | RejectReport
  | MarkDuplicate
  | AbsorbDuplicate
  | LinkCase
  | NotifyReporter
  | CloseReport
  | EraseReporterContact;
