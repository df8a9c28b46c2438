import { type Actor } from '../shared/actor';
import { type VehicleRef } from '../shared/plate';
import { type CameraEntry } from '../rules/camera-register';
import { type TidalWindow } from '../space/tidal-window';
import { type Place } from '../shared/values';

/**
 * Commands of a violation. Time, the camera's register entry and the parking space come in the
 * command (looked up by the handler); fields arrive as plain values and are validated by `decide`.
 */
type Command<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data>; actor: Actor }>;

/** The space a violation refers to, as the space register holds it. */
export type SpaceFacts = Readonly<{
  spaceId: string;
  kind: 'marked' | 'tidal';
  maxMinutes: number;
  windows: readonly TidalWindow[];
  removed: boolean;
}>;

export type RecordViolation = Command<
  'RecordViolation',
  {
    violationId: string;
    source: string;
    /** The register entry of `cameraId` (null: not in the register). */
    camera: CameraEntry | null;
    cameraId: string;
    vehicle: VehicleRef;
    location: Place;
    kind: string;
    space: SpaceFacts | null;
    /** For a marked space over its time: since when the vehicle has stood there. */
    parkedSince: string;
    observedAt: string;
    photoRefs: readonly string[];
    squad: string;
    obstructing: boolean;
    dispatchCaseId: string;
    at: string;
  }
>;
export type WarnDriver = Command<'WarnDriver', { complied: boolean; at: string }>;
export type IssueNotice = Command<'IssueNotice', { noticeNo: string; fine: number | null; at: string }>;
export type ServePriorNotice = Command<'ServePriorNotice', { noticeNo: string; at: string }>;
export type OrderTowing = Command<'OrderTowing', { depot: string; reason: string; ownerToldBy: string; at: string }>;
export type DecidePenalty = Command<'DecidePenalty', { decisionNo: string; fine: number | null; at: string }>;
export type RecordPayment = Command<'RecordPayment', { amount: number; at: string }>;
export type TransferToTrafficPolice = Command<'TransferToTrafficPolice', { handoverRef: string; at: string }>;
export type CloseViolation = Command<'CloseViolation', { outcome: string; note: string; at: string }>;
export type EraseViolationPersonalData = Command<'EraseViolationPersonalData', { at: string }>;

export type ViolationCommand =
  | RecordViolation
  | WarnDriver
  | IssueNotice
  | ServePriorNotice
  | OrderTowing
  | DecidePenalty
  | RecordPayment
  | TransferToTrafficPolice
  | CloseViolation
  | EraseViolationPersonalData;
