import { JsonEventCodec, ProtobufEventCodec, type ProtobufMessageCodec, type ProtobufRegistry } from '@yiwang/kernel';
import * as pb from '@yiwang/proto/yiwang/dispatch/v1/case_events';
import { ReportFiled, ReportMarkedDuplicate, ReportReceived, ReportRejected } from '@yiwang/proto/yiwang/intake/v1/events';
import { type CaseEvent } from '../../domain';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own message type
const entry = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<any> => ({
  messageType: `yiwang.dispatch.v1.${name}`,
  encode: (data: T) => fns.encode(data).finish(),
  decode: (bytes: Uint8Array) => fns.decode(bytes),
});

/**
 * One protobuf message per case event type (proto/yiwang/dispatch/v1/case_events.proto). The
 * messages mirror the event data field for field, so the generated encoders take the data as is.
 */
export const CASE_EVENT_MESSAGES = {
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
} satisfies Record<CaseEvent['type'], ProtobufMessageCodec> & ProtobufRegistry;

/** The codec of `yiwang.dispatch.events.v1`: protobuf, strict (an event without a message is a bug). */
export const caseEventCodec = (): ProtobufEventCodec => new ProtobufEventCodec(CASE_EVENT_MESSAGES);

const intakeEntry = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<T> => ({
  messageType: `yiwang.intake.v1.${name}`,
  encode: (data: T) => fns.encode(data).finish(),
  decode: (bytes: Uint8Array) => fns.decode(bytes),
});

/**
 * How dispatch reads `yiwang.intake.events.v1`: the protobuf messages of the events it uses
 * (the filing for routing; reception, filing, rejection and duplicates for the filing rate),
 * falling back to JSON for events published as JSON.
 */
export const intakeEventCodec = (): ProtobufEventCodec =>
  new ProtobufEventCodec(
    {
      'intake.report.received.v1': intakeEntry('ReportReceived', ReportReceived),
      'intake.report.filed.v1': intakeEntry('ReportFiled', ReportFiled),
      'intake.report.rejected.v1': intakeEntry('ReportRejected', ReportRejected),
      'intake.report.marked_duplicate.v1': intakeEntry('ReportMarkedDuplicate', ReportMarkedDuplicate),
    },
    { fallback: new JsonEventCodec() },
  );
