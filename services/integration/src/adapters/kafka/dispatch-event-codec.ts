import { ProtobufEventCodec, type ProtobufMessageCodec, type ProtobufRegistry } from '@yiwang/kernel';
import * as pb from '@yiwang/proto/yiwang/dispatch/v1/case_events';

type Fns = { encode(message: never): { finish(): Uint8Array }; decode(bytes: Uint8Array): unknown };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own message type
const entry = (name: keyof typeof pb, fns: Fns): ProtobufMessageCodec<any> => ({
  messageType: `yiwang.dispatch.v1.${String(name)}`,
  encode: (data: never) => fns.encode(data).finish(),
  decode: (bytes: Uint8Array) => fns.decode(bytes),
});

/**
 * How integration reads `yiwang.dispatch.events.v1`: dispatch's published contract
 * (proto/yiwang/dispatch/v1/case_events.proto), decoded with the generated messages — never
 * dispatch's own code, which integration does not depend on.
 */
const MESSAGES: ProtobufRegistry = {
  'dispatch.case.opened.v1': entry('CaseOpened', pb.CaseOpened),
  'dispatch.case.dispatched.v1': entry('CaseDispatched', pb.CaseDispatched),
  'dispatch.case.signed_for.v1': entry('CaseSignedFor', pb.CaseSignedFor),
  'dispatch.case.return_requested.v1': entry('ReturnRequested', pb.ReturnRequested),
  'dispatch.case.return_approved.v1': entry('ReturnApproved', pb.ReturnApproved),
  'dispatch.case.return_rejected.v1': entry('ReturnRejected', pb.ReturnRejected),
  'dispatch.case.extension_requested.v1': entry('ExtensionRequested', pb.ExtensionRequested),
  'dispatch.case.extension_approved.v1': entry('ExtensionApproved', pb.ExtensionApproved),
  'dispatch.case.extension_rejected.v1': entry('ExtensionRejected', pb.ExtensionRejected),
  'dispatch.case.suspension_requested.v1': entry('SuspensionRequested', pb.SuspensionRequested),
  'dispatch.case.suspension_approved.v1': entry('SuspensionApproved', pb.SuspensionApproved),
  'dispatch.case.suspension_rejected.v1': entry('SuspensionRejected', pb.SuspensionRejected),
  'dispatch.case.handling_reported.v1': entry('HandlingReported', pb.HandlingReported),
  'dispatch.case.verified.v1': entry('CaseVerified', pb.CaseVerified),
  'dispatch.case.closed.v1': entry('CaseClosed', pb.CaseClosed),
  'dispatch.case.rework_ordered.v1': entry('ReworkOrdered', pb.ReworkOrdered),
  'dispatch.case.supervised.v1': entry('CaseSupervised', pb.CaseSupervised),
  'dispatch.case.overdue_marked.v1': entry('OverdueMarked', pb.OverdueMarked),
  'dispatch.case.reopened.v1': entry('CaseReopened', pb.CaseReopened),
  'dispatch.case.evaluated.v1': entry('CaseEvaluated', pb.CaseEvaluated),
};

export const CASE_EVENT_TYPES: readonly string[] = Object.keys(MESSAGES);

export const dispatchEventCodec = (): ProtobufEventCodec => new ProtobufEventCodec(MESSAGES);
