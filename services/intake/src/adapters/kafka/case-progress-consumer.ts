import { type Db } from 'mongodb';
import { EventConsumer, JsonEventCodec, type EventCodec, type MessageBroker } from '@yiwang/kernel-kafka';
import { dispatchCaseEventCodec } from '@yiwang/contracts';
import { type Logger } from '@yiwang/platform';
import { CASE_PROGRESS_EVENT_TYPES } from '../../application/case-progress/case-progress';
import { type CaseProgressReadModel } from '../../application/case-progress/case-progress-read-model';

/** The case events the reporter's view follows, as dispatch publishes them; JSON accepted too (tools, replays). */
export const caseProgressCodec = (): EventCodec =>
  dispatchCaseEventCodec({ types: CASE_PROGRESS_EVENT_TYPES, fallback: new JsonEventCodec() });

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
 * The kernel consumer gives the dead-letter queue; no inbox is needed: the read model's version
 * guard makes a repeat harmless, and each event saves an inbox lookup and write.
 */
export async function startCaseProgressConsumer(o: CaseProgressConsumerOptions): Promise<EventConsumer> {
  const consumer = new EventConsumer({
    broker: o.broker,
    inbox: null,
    group: o.group,
    topics: [o.topic],
    createMissingTopics: { partitions: 6 },
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
