import { ProtobufEventCodec, type EventCodec, type ProtobufEventCodecOptions, type ProtobufMessageCodec } from '@yiwang/kernel-kafka';
import * as pb from '@yiwang/proto/yiwang/dispatch/v1/case_events';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own message type
const entry = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<any> => ({
  messageType: `yiwang.dispatch.v1.${name}`,
  encode: (data: T) => fns.encode(data).finish(),
  decode: (bytes: Uint8Array) => fns.decode(bytes),
});

/**
 * What `yiwang.dispatch.events.v1` carries: one protobuf message per case event type
 * (proto/yiwang/dispatch/v1/case_events.proto). Dispatch encodes with it; intake and integration
 * decode with it — the published contract, not dispatch's domain code.
 */
export const DISPATCH_CASE_EVENT_MESSAGES = {
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
} as const;

export type DispatchCaseEventType = keyof typeof DISPATCH_CASE_EVENT_MESSAGES;
export const DISPATCH_CASE_EVENT_TYPES = Object.keys(DISPATCH_CASE_EVENT_MESSAGES) as readonly DispatchCaseEventType[];

/** A codec for dispatch's topic, limited to `types` when given (others then fail to decode: a consumer filters them first). */
export function dispatchCaseEventCodec(options: ProtobufEventCodecOptions & { types?: readonly DispatchCaseEventType[] } = {}): EventCodec {
  const { types, ...codecOptions } = options;
  const registry = types ? Object.fromEntries(types.map((t) => [t, DISPATCH_CASE_EVENT_MESSAGES[t]])) : DISPATCH_CASE_EVENT_MESSAGES;
  return new ProtobufEventCodec(registry, codecOptions);
}
