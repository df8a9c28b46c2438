import { JsonEventCodec, ProtobufEventCodec, type EventCodec, type ProtobufMessageCodec } from '@yiwang/kernel-kafka';
import { dispatchCaseEventCodec, type DispatchCaseEventType } from '@yiwang/contracts';
import { ReportFiled, ReportMarkedDuplicate, ReportReceived, ReportRejected } from '@yiwang/proto/yiwang/intake/v1/events';
import { type CaseEvent } from '../../domain';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };

// The published contract (libs/contracts) names exactly the domain's case event types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractMatchesDomain: Same<DispatchCaseEventType, CaseEvent['type']> = true;
void contractMatchesDomain;

/** The codec of `yiwang.dispatch.events.v1`: protobuf, strict (an event without a message is a bug). */
export const caseEventCodec = (): EventCodec => dispatchCaseEventCodec();

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
