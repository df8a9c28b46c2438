import { type Db } from 'mongodb';
import { ConcurrencyError, isDomainError, type LoggedEvent } from '@yiwang/kernel-core';
import { EventConsumer, JsonEventCodec, ProtobufEventCodec, type ConsumerOutcome, type MessageBroker } from '@yiwang/kernel-kafka';
import { MongoInbox } from '@yiwang/kernel-mongodb';
import { DISPATCH_CASE_EVENT_MESSAGES, type DispatchCaseEventType } from '@yiwang/contracts';
import { type DispatchLink } from '../../application/dispatch-link';
import { type ViolationClosed } from '../../domain';
import { PARKING_EVENT_MESSAGES } from './parking-event-codec';

const DISPATCH_TYPES = [
  'dispatch.case.opened.v1',
  'dispatch.case.dispatched.v1',
  'dispatch.case.closed.v1',
] as const satisfies readonly DispatchCaseEventType[];
const CLOSED = 'parking.violation.closed.v1';

export type DispatchLinkConsumerOptions = Readonly<{
  broker: MessageBroker;
  db: Db;
  link: DispatchLink;
  dispatchTopic: string;
  parkingTopic: string;
  group: string;
  onError: (error: unknown) => void;
  onSettled?: (outcome: ConsumerOutcome) => void;
  retry?: Readonly<{ attempts?: number; initialDelayMs?: number; maxDelayMs?: number }>;
}>;

/**
 * The dispatch link's consumer: dispatch's case events (which 机动车乱停放 cases went to which
 * squad) and parking's own `closed` violations (the moment to report the handling), in one group.
 * The kernel's consumer gives the inbox (a redelivered event is skipped) and the dead-letter queue
 * (an undecodable message, or one that keeps failing). A permanent refusal by parking's rules is
 * logged and settled: retrying cannot change it.
 */
export async function startDispatchLinkConsumer(o: DispatchLinkConsumerOptions): Promise<EventConsumer> {
  const registry = {
    ...Object.fromEntries(DISPATCH_TYPES.map((t) => [t, DISPATCH_CASE_EVENT_MESSAGES[t]])),
    [CLOSED]: PARKING_EVENT_MESSAGES[CLOSED],
  };
  const consumer = new EventConsumer({
    broker: o.broker,
    inbox: new MongoInbox(o.db),
    group: o.group,
    topics: [o.dispatchTopic, o.parkingTopic],
    // Auto-creation is off; whichever service reaches the broker first creates dispatch's topic (and
    // parking's, if its relay has not yet), with the relay's settings — in the background, so parking
    // starts and serves with the broker down.
    createMissingTopics: { partitions: 6 },
    codec: new ProtobufEventCodec(registry, { fallback: new JsonEventCodec() }),
    types: [...DISPATCH_TYPES, CLOSED],
    retry: { attempts: 5, ...o.retry },
    onError: (e) => o.onError(e),
    ...(o.onSettled ? { onSettled: (outcome: ConsumerOutcome) => o.onSettled!(outcome) } : {}),
    handler: async (event: LoggedEvent) => {
      try {
        if (event.type === CLOSED) await o.link.onViolationClosed(event.data as ViolationClosed['data']);
        else await o.link.onDispatchEvent(event);
      } catch (e) {
        if (!isDomainError(e) || e instanceof ConcurrencyError) throw e;
        o.onError(e);
      }
    },
  });
  await consumer.start();
  return consumer;
}
