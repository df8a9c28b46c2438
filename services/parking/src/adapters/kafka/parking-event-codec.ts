import { ProtobufEventCodec, type EventCodec, type ProtobufMessageCodec } from '@yiwang/kernel-kafka';
import * as pb from '@yiwang/proto/yiwang/parking/v1/parking_events';
import { type ObstructionEvent, type SpaceEvent, type ViolationEvent } from '../../domain';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own message type
const entry = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<any> => ({
  messageType: `yiwang.parking.v1.${name}`,
  encode: (data: T) => fns.encode(data).finish(),
  decode: (bytes: Uint8Array) => fns.decode(bytes),
});

/**
 * What `yiwang.parking.events.v1` carries: one protobuf message per event type
 * (proto/yiwang/parking/v1/parking_events.proto), whose fields mirror the domain's event data.
 */
export const PARKING_EVENT_MESSAGES = {
  'parking.violation.recorded.v1': entry('ViolationRecorded', pb.ViolationRecorded),
  'parking.violation.driver_warned.v1': entry('DriverWarned', pb.DriverWarned),
  'parking.violation.notice_issued.v1': entry('NoticeIssued', pb.NoticeIssued),
  'parking.violation.prior_notice_served.v1': entry('PriorNoticeServed', pb.PriorNoticeServed),
  'parking.violation.towing_ordered.v1': entry('TowingOrdered', pb.TowingOrdered),
  'parking.violation.penalty_decided.v1': entry('PenaltyDecided', pb.PenaltyDecided),
  'parking.violation.fine_paid.v1': entry('FinePaid', pb.FinePaid),
  'parking.violation.transferred.v1': entry('TransferredToTrafficPolice', pb.TransferredToTrafficPolice),
  'parking.violation.closed.v1': entry('ViolationClosed', pb.ViolationClosed),
  'parking.violation.personal_data_erased.v1': entry('ViolationPersonalDataErased', pb.ViolationPersonalDataErased),
  'parking.obstruction.surveyed.v1': entry('ObstructionSurveyed', pb.ObstructionSurveyed),
  'parking.obstruction.removal_ordered.v1': entry('RemovalOrdered', pb.RemovalOrdered),
  'parking.obstruction.removal_overdue_marked.v1': entry('RemovalOverdueMarked', pb.RemovalOverdueMarked),
  'parking.obstruction.reminder_served.v1': entry('RemovalReminderServed', pb.RemovalReminderServed),
  'parking.obstruction.removed.v1': entry('ObstructionRemoved', pb.ObstructionRemoved),
  'parking.obstruction.fine_imposed.v1': entry('ObstructionFineImposed', pb.ObstructionFineImposed),
  'parking.obstruction.personal_data_erased.v1': entry('ObstructionPersonalDataErased', pb.ObstructionPersonalDataErased),
  'parking.space.marked.v1': entry('SpaceMarked', pb.SpaceMarked),
  'parking.space.windows_changed.v1': entry('TidalWindowsChanged', pb.TidalWindowsChanged),
  'parking.space.removed.v1': entry('SpaceRemoved', pb.SpaceRemoved),
} as const;

// Every domain event type has its message, and no message lacks its event type (compile-time).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const complete: Same<keyof typeof PARKING_EVENT_MESSAGES, (ViolationEvent | ObstructionEvent | SpaceEvent)['type']> = true;
void complete;

/** The codec of `yiwang.parking.events.v1`: protobuf, strict. */
export const parkingEventCodec = (): EventCodec => new ProtobufEventCodec(PARKING_EVENT_MESSAGES);
