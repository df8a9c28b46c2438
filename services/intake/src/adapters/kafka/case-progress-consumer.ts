import { type Db } from 'mongodb';
import { EventConsumer, JsonEventCodec, ProtobufEventCodec, UNLIMITED_RETENTION, type MessageBroker, type ProtobufMessageCodec } from '@yiwang/kernel';
import * as pb from '@yiwang/proto/yiwang/dispatch/v1/case_events';
import { type Logger } from '@yiwang/platform';
import { CASE_PROGRESS_EVENT_TYPES, type CaseProgressEventType } from '../../application/case-progress/case-progress';
import { type CaseProgressReadModel } from '../../application/case-progress/case-progress-read-model';

type Fns<T> = { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own message type
const entry = <T>(name: string, fns: Fns<T>): ProtobufMessageCodec<any> => ({
  messageType: `yiwang.dispatch.v1.${name}`,
  encode: (data: T) => fns.encode(data).finish(),
  decode: (bytes: Uint8Array) => fns.decode(bytes),
});

/** The protobuf messages of the case events the reporter's view follows; JSON accepted too (tools, replays). */
export const caseProgressCodec = (): ProtobufEventCodec =>
  new ProtobufEventCodec(
    {
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
      'dispatch.case.rework_ordered.v1': entry('ReworkOrdered', pb.ReworkOrdered),
      'dispatch.case.overdue_marked.v1': entry('OverdueMarked', pb.OverdueMarked),
      'dispatch.case.closed.v1': entry('CaseClosed', pb.CaseClosed),
      'dispatch.case.reopened.v1': entry('CaseReopened', pb.CaseReopened),
    } satisfies Record<CaseProgressEventType, ProtobufMessageCodec>,
    { fallback: new JsonEventCodec() },
  );

export type CaseProgressConsumerOptions = Readonly<{
  broker: MessageBroker;
  db: Db;
  topic: string;
  /** Its own group (not the one that links and closes reports), so it reads dispatch's topic from the start. */
  group: string;
  progress: CaseProgressReadModel;
  logger: Logger;
}>;

/**
 * Feeds the reporter's view of each case ({@link CaseProgressReadModel}) from dispatch's topic.
 * A group of its own starting at the beginning of the topic (retention is unlimited) means a
 * first deployment, or a new group name, rebuilds the view from every case ever published.
 * The kernel consumer gives the inbox (repeats skipped) and the dead-letter queue; the read
 * model's version guard makes a repeat harmless even when the inbox record was lost.
 */
export async function startCaseProgressConsumer(o: CaseProgressConsumerOptions): Promise<EventConsumer> {
  // Auto-creation is off; dispatch's relay creates the topic with the same settings when it starts first.
  const admin = o.broker.admin();
  await admin.connect();
  try {
    await admin.ensureTopics([{ topic: o.topic, partitions: 6, config: UNLIMITED_RETENTION }]);
  } finally {
    await admin.disconnect();
  }
  const consumer = new EventConsumer({
    broker: o.broker,
    db: o.db,
    group: o.group,
    topics: [o.topic],
    codec: caseProgressCodec(),
    types: CASE_PROGRESS_EVENT_TYPES,
    retry: { attempts: 5 },
    fromBeginning: true,
    onError: (e) => o.logger.warn({ err: e }, 'case progress: dispatch event handling failed'),
    handler: async (event) => {
      await o.progress.apply(event);
    },
  });
  await consumer.start();
  return consumer;
}
