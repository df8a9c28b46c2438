import { type FacilityKind, type Siting } from '../standards/standards';
import { type Sample, type SampleInput, type ToiletInput } from './inspection-rules';

/**
 * An inspection's result in one flat shape for all kinds (as its protobuf message): fields of
 * other kinds stay empty. Roads fill the samples; toilets odour, flies, items, supplies and
 * hours; stations the failed items.
 */
export type InspectionOutcome = Readonly<{
  samples: readonly Sample[];
  limitGramsPerM2: number;
  meanGramsPerM2: number;
  odourLevel: number;
  maxOdourLevel: number;
  fliesPerM2: number;
  maxFliesPerM2: number;
  failedItems: readonly string[];
  suppliesOk: boolean;
  openingHoursKept: boolean;
  passed: boolean;
  findings: readonly string[];
}>;

/** What the inspector sends for any kind; the facility's kind decides which part is read. */
export type InspectionInput = Readonly<{ samples?: readonly SampleInput[]; toilet?: ToiletInput; failedItems?: unknown }>;

/** The inspected facility as the register says (looked up by the handler). */
export type FacilityRef = Readonly<{
  facilityId: string;
  kind: FacilityKind;
  district: string;
  contractor: string;
  name: string;
  toiletClass?: string;
  siting?: Siting;
}>;

export type InspectionEvent =
  | Readonly<{
      type: 'sanitation.inspection.recorded.v1';
      data: InspectionOutcome & {
        inspectionId: string;
        facilityId: string;
        facilityKind: FacilityKind;
        facilityName: string;
        toiletClass: string;
        siting: string;
        district: string;
        contractor: string;
        period: string;
        inspector: string;
        inspectedAt: string;
      };
    }>
  | Readonly<{
      type: 'sanitation.inspection.corrected.v1';
      data: InspectionOutcome & { inspectionId: string; kind: 'amendment' | 'correction'; reason: string; by: string; correctedAt: string };
    }>
  | Readonly<{
      type: 'sanitation.inspection.rectification_opened.v1';
      data: {
        inspectionId: string;
        facilityId: string;
        contractor: string;
        findings: readonly string[];
        deadline: string;
        openedAt: string;
      };
    }>
  | Readonly<{
      type: 'sanitation.inspection.rectification_completed.v1';
      data: { inspectionId: string; note: string; by: string; onTime: boolean; completedAt: string };
    }>
  | Readonly<{ type: 'sanitation.inspection.rectification_overdue.v1'; data: { inspectionId: string; deadline: string; markedAt: string } }>
  | Readonly<{
      type: 'sanitation.inspection.rectification_withdrawn.v1';
      data: { inspectionId: string; reason: string; withdrawnAt: string };
    }>
  | Readonly<{
      type: 'sanitation.inspection.report_filed.v1';
      data: { inspectionId: string; reportId: string; category: string; filedAt: string };
    }>
  | Readonly<{
      type: 'sanitation.inspection.report_closed.v1';
      data: { inspectionId: string; reportId: string; caseId: string; closedAt: string; linkedAt: string };
    }>;

export const INSPECTION_EVENT_TYPES: readonly InspectionEvent['type'][] = [
  'sanitation.inspection.recorded.v1',
  'sanitation.inspection.corrected.v1',
  'sanitation.inspection.rectification_opened.v1',
  'sanitation.inspection.rectification_completed.v1',
  'sanitation.inspection.rectification_overdue.v1',
  'sanitation.inspection.rectification_withdrawn.v1',
  'sanitation.inspection.report_filed.v1',
  'sanitation.inspection.report_closed.v1',
];

/** The intake report a rectification was filed as (the closed loop), and its dispatch case once closed. */
export type LinkedReport = Readonly<{ reportId: string; caseId: string; closedAt: string }>;

export type Rectification = Readonly<{
  status: 'open' | 'overdue' | 'completed' | 'withdrawn';
  deadline: string;
  overdue: boolean;
  openedAt: string;
  report: LinkedReport | null;
}>;

export type InspectionState =
  | Readonly<{ status: 'none' }>
  | Readonly<{
      status: 'recorded';
      inspectionId: string;
      facility: FacilityRef;
      period: string;
      inspectedAt: string;
      outcome: InspectionOutcome;
      corrections: number;
      rectification: Rectification | null;
    }>;

export const inspectionStreamId = (id: string): string => `inspection-${id}`;
