import { EventConsumer, type EventConsumerOptions, type MessageBroker } from '@yiwang/kernel-kafka';
import { MongoInbox } from '@yiwang/kernel-mongodb';
import { intakeEventCodec } from '@yiwang/intake';
import type { Db } from 'mongodb';
import { REPORT_FILED, reportHandoverHandler } from '../../application/report-handover';
import { type ComplaintService } from '../../application/complaint-service';

/** Intake's filed reports (`yiwang.intake.events.v1`), with the inbox: the hand-over of heating complaints. */
export function intakeReportsConsumer(deps: {
  broker: MessageBroker;
  db: Db;
  group: string;
  topic: string;
  complaints: ComplaintService;
  onError: NonNullable<EventConsumerOptions['onError']>;
}): EventConsumer {
  return new EventConsumer({
    broker: deps.broker,
    inbox: new MongoInbox(deps.db),
    group: deps.group,
    topics: [deps.topic],
    // Made in the background as intake's relay would make it, so heating serves while the broker is away.
    createMissingTopics: { partitions: 6 },
    types: [REPORT_FILED],
    codec: intakeEventCodec(),
    handler: reportHandoverHandler(deps.complaints),
    onError: deps.onError,
  });
}
