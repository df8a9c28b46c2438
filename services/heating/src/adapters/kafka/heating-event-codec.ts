import { ProtobufEventCodec, type EventCodec, type ProtobufMessageCodec } from '@yiwang/kernel-kafka';
import * as pb from '@yiwang/proto/yiwang/heating/v1/heating_events';
import { type ComplaintEventType, type PointEvent } from '../../domain';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T; fromPartial(o: unknown): T };

const entry = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<unknown> => ({
  messageType: `yiwang.heating.v1.${name}`,
  // fromPartial first: domain data uses null for "none" and omits the other refund rule's fields.
  encode: (data: unknown) => fns.encode(fns.fromPartial(data)).finish(),
  decode: (bytes: Uint8Array) => fns.decode(bytes),
});

/** Every heating event type with its protobuf message (proto/yiwang/heating/v1/heating_events.proto). */
export const HEATING_MESSAGES: Record<ComplaintEventType | PointEvent['type'], ProtobufMessageCodec<unknown>> = {
  'heating.complaint.received.v1': entry('ComplaintReceived', pb.ComplaintReceived),
  'heating.complaint.acknowledged.v1': entry('ComplaintAcknowledged', pb.ComplaintAcknowledged),
  'heating.complaint.measured.v1': entry('TemperatureMeasured', pb.TemperatureMeasured),
  'heating.complaint.third_party_ordered.v1': entry('ThirdPartyOrdered', pb.ThirdPartyOrdered),
  'heating.complaint.substandard_found.v1': entry('SubstandardFound', pb.SubstandardFound),
  'heating.complaint.fix_reported.v1': entry('FixReported', pb.FixReported),
  'heating.complaint.restored.v1': entry('HeatingRestored', pb.HeatingRestored),
  'heating.complaint.refund_computed.v1': entry('RefundComputed', pb.RefundComputed),
  'heating.complaint.refund_approved.v1': entry('RefundApproved', pb.RefundApproved),
  'heating.complaint.closed.v1': entry('ComplaintClosed', pb.ComplaintClosed),
  'heating.complaint.overdue_marked.v1': entry('OverdueMarked', pb.OverdueMarked),
  'heating.complaint.supervised.v1': entry('ComplaintSupervised', pb.ComplaintSupervised),
  'heating.complaint.personal_data_erased.v1': entry('PersonalDataErased', pb.PersonalDataErased),
  'heating.point.finding_raised.v1': entry('FindingRaised', pb.FindingRaised),
  'heating.point.finding_closed.v1': entry('FindingClosed', pb.FindingClosed),
  'heating.point.device_offline.v1': entry('DeviceOffline', pb.DeviceOffline),
  'heating.point.device_online.v1': entry('DeviceOnline', pb.DeviceOnline),
};

/** The codec of `yiwang.heating.events.v1`: protobuf, strict (an event without a message is a bug). */
export const heatingEventCodec = (): EventCodec => new ProtobufEventCodec(HEATING_MESSAGES);
