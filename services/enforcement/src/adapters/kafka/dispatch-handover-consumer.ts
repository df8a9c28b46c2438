import { type Db } from 'mongodb';
import { ConcurrencyError, isDomainError, type LoggedEvent } from '@yiwang/kernel-core';
import { EventConsumer, JsonEventCodec, ProtobufEventCodec, type ConsumerOutcome, type MessageBroker } from '@yiwang/kernel-kafka';
import { MongoInbox } from '@yiwang/kernel-mongodb';
import { DISPATCH_CASE_EVENT_MESSAGES, type DispatchCaseEventType } from '@yiwang/contracts';
import { type DispatchHandover } from '../../application/dispatch-handover';

export const HANDOVER_EVENT_TYPES = [
  'dispatch.case.opened.v1',
  'dispatch.case.dispatched.v1',
  'dispatch.case.closed.v1',
] as const satisfies readonly DispatchCaseEventType[];

export type DispatchHandoverConsumerOptions = Readonly<{
  broker: MessageBroker;
  db: Db;
  handover: DispatchHandover;
  dispatchTopic: string;
  group: string;
  onError: (error: unknown) => void;
  onSettled?: (outcome: ConsumerOutcome) => void;
  retry?: Readonly<{ attempts?: number; initialDelayMs?: number; maxDelayMs?: number }>;
}>;

/**
 * Reads dispatch's case events for the hand-over process manager. The kernel's consumer gives the
 * inbox (a redelivered event is skipped) and the dead-letter queue (an undecodable message, or one
 * that keeps failing on infrastructure). A refusal by enforcement's rules is logged and settled:
 * retrying cannot change it.
 */
export async function startDispatchHandoverConsumer(o: DispatchHandoverConsumerOptions): Promise<EventConsumer> {
  const registry = Object.fromEntries(HANDOVER_EVENT_TYPES.map((t) => [t, DISPATCH_CASE_EVENT_MESSAGES[t]]));
  const consumer = new EventConsumer({
    broker: o.broker,
    inbox: new MongoInbox(o.db),
    group: o.group,
    topics: [o.dispatchTopic],
    // Auto-creation is off; whichever service reaches the broker first creates dispatch's topic, with
    // its relay's settings — in the background, so enforcement starts with the broker down.
    createMissingTopics: { partitions: 6 },
    codec: new ProtobufEventCodec(registry, { fallback: new JsonEventCodec() }),
    types: HANDOVER_EVENT_TYPES,
    retry: { attempts: 5, ...o.retry },
    onError: (e) => o.onError(e),
    ...(o.onSettled ? { onSettled: (outcome: ConsumerOutcome) => o.onSettled!(outcome) } : {}),
    handler: async (event: LoggedEvent) => {
      try {
        await o.handover.onDispatchEvent(event);
      } catch (e) {
        if (!isDomainError(e) || e instanceof ConcurrencyError) throw e;
        o.onError(e);
      }
    },
  });
  await consumer.start();
  return consumer;
}
