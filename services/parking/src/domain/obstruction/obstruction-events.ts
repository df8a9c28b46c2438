import type { DomainEvent } from '@yiwang/kernel-core';
import { type Actor } from '../shared/actor';
import { type Instant, type ObstructionId, type Place, type SquadId } from '../shared/values';

/**
 * Events of an obstruction on public space (`obstruction-<id>`): a private ground lock, post or
 * barrier (拔桩拆锁) — surveyed, ordered removed (责令限期拆除), reminded (催告), removed by the owner
 * or by the squad (代履行), optionally fined. The owner, when known, is sealed personal data.
 */
export const OBSTRUCTION_KINDS = ['ground_lock', 'post', 'barrier'] as const;
export type ObstructionKind = (typeof OBSTRUCTION_KINDS)[number];

export type ObstructionSurveyed = DomainEvent<
  'parking.obstruction.surveyed.v1',
  Readonly<{
    obstructionId: ObstructionId;
    kind: ObstructionKind;
    location: Place;
    /** The owner's name / contact sealed by the vault, or '' when unknown. */
    ownerSealed: string;
    photoRefs: readonly string[];
    squad: SquadId;
    /** A campaign (专项整治) the find belongs to, or ''. */
    campaign: string;
    blocksRoad: boolean;
    surveyedAt: Instant;
  }>
>;
export type RemovalOrdered = DomainEvent<
  'parking.obstruction.removal_ordered.v1',
  Readonly<{ obstructionId: ObstructionId; orderNo: string; removeBy: Instant; orderedAt: Instant }>
>;
/** The owner's deadline passed without removal (from the deadline scan): the squad must remind. */
export type RemovalOverdueMarked = DomainEvent<
  'parking.obstruction.removal_overdue_marked.v1',
  Readonly<{ obstructionId: ObstructionId; removeBy: Instant; markedAt: Instant }>
>;
/** 催告 (行政强制法 Art 51): the squad will remove it at `scheduledRemovalAt`, at least 3 working days on. */
export type RemovalReminderServed = DomainEvent<
  'parking.obstruction.reminder_served.v1',
  Readonly<{ obstructionId: ObstructionId; scheduledRemovalAt: Instant; servedAt: Instant }>
>;
export type ObstructionRemoved = DomainEvent<
  'parking.obstruction.removed.v1',
  Readonly<{
    obstructionId: ObstructionId;
    kind: ObstructionKind;
    squad: SquadId;
    by: 'owner' | 'squad';
    immediate: boolean;
    reason: string;
    costYuan: number;
    removedAt: Instant;
  }>
>;
export type ObstructionFineImposed = DomainEvent<
  'parking.obstruction.fine_imposed.v1',
  Readonly<{ obstructionId: ObstructionId; decisionNo: string; amount: number; imposedAt: Instant }>
>;
export type ObstructionPersonalDataErased = DomainEvent<
  'parking.obstruction.personal_data_erased.v1',
  Readonly<{ obstructionId: ObstructionId; erasedAt: Instant }>
>;

export type ObstructionEvent =
  | ObstructionSurveyed
  | RemovalOrdered
  | RemovalOverdueMarked
  | RemovalReminderServed
  | ObstructionRemoved
  | ObstructionFineImposed
  | ObstructionPersonalDataErased;

export const OBSTRUCTION_EVENT_TYPES = [
  'parking.obstruction.surveyed.v1',
  'parking.obstruction.removal_ordered.v1',
  'parking.obstruction.removal_overdue_marked.v1',
  'parking.obstruction.reminder_served.v1',
  'parking.obstruction.removed.v1',
  'parking.obstruction.fine_imposed.v1',
  'parking.obstruction.personal_data_erased.v1',
] as const satisfies readonly ObstructionEvent['type'][];

export const obstructionStreamId = (id: string): string => `obstruction-${id}`;

type Command<Type extends string, Data> = Readonly<{ type: Type; data: Readonly<Data>; actor: Actor }>;

export type SurveyObstruction = Command<
  'SurveyObstruction',
  {
    obstructionId: string;
    kind: string;
    location: Place;
    ownerSealed: string;
    photoRefs: readonly string[];
    squad: string;
    campaign: string;
    blocksRoad: boolean;
    at: string;
  }
>;
/** `removeBy` null: the rules' default (责令限期拆除). */
export type OrderRemoval = Command<'OrderRemoval', { orderNo: string; removeBy: string | null; at: string }>;
export type MarkRemovalOverdue = Command<'MarkRemovalOverdue', { at: string }>;
export type ServeRemovalReminder = Command<'ServeRemovalReminder', { scheduledRemovalAt: string; at: string }>;
export type RecordRemoval = Command<'RecordRemoval', { by: string; costYuan: number; at: string }>;
/** 行政强制法 Art 52: removed at once where it blocks a road, with the reason recorded. */
export type RemoveImmediately = Command<'RemoveImmediately', { reason: string; costYuan: number; at: string }>;
export type ImposeObstructionFine = Command<'ImposeObstructionFine', { decisionNo: string; amount: number; at: string }>;
export type EraseObstructionPersonalData = Command<'EraseObstructionPersonalData', { at: string }>;

export type ObstructionCommand =
  | SurveyObstruction
  | OrderRemoval
  | MarkRemovalOverdue
  | ServeRemovalReminder
  | RecordRemoval
  | RemoveImmediately
  | ImposeObstructionFine
  | EraseObstructionPersonalData;
