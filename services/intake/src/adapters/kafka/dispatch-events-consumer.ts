import { type Db } from 'mongodb';
import { ConcurrencyError, isDomainError, type LoggedEvent } from '@yiwang/kernel-core';
import { EventConsumer, JsonEventCodec, type EventCodec, type MessageBroker } from '@yiwang/kernel-kafka';
import { dispatchCaseEventCodec, type DispatchCaseEventType } from '@yiwang/contracts';
import { type Logger } from '@yiwang/platform';
import { type IntakeApplication } from '../../application/intake-application';

export const CASE_OPENED = 'dispatch.case.opened.v1' satisfies DispatchCaseEventType;
export const CASE_CLOSED = 'dispatch.case.closed.v1' satisfies DispatchCaseEventType;

/**
 * Reads dispatch's case events: protobuf as dispatch publishes them (proto/yiwang/dispatch/v1),
 * JSON accepted too (tools, replays). Only the two types intake acts on are decoded.
 */
export const dispatchEventCodec = (): EventCodec =>
  dispatchCaseEventCodec({ types: [CASE_OPENED, CASE_CLOSED], fallback: new JsonEventCodec() });

/** The report ids an event names: dispatch's `reportId`, or a `reportIds` list. */
export function reportIdsOf(data: unknown): string[] {
  const d = (data ?? {}) as { reportId?: unknown; reportIds?: unknown };
  const ids = Array.isArray(d.reportIds) ? d.reportIds : [d.reportId];
  return ids.filter((x): x is string => typeof x === 'string' && x !== '');
}

export type DispatchConsumerOptions = Readonly<{
  broker: MessageBroker;
  db: Db;
  topic: string;
  group: string;
  intake: IntakeApplication;
  logger: Logger;
}>;

/**
 * Closes the loop back to the reporter: `CaseOpened` links the report to its case, `CaseClosed`
 * closes it (and the reports merged into it). The kernel's consumer gives the dead-letter queue;
 * no inbox is kept, because the commands are idempotent: a redelivered event links or closes
 * nothing new (or is refused by a closed report, and settled).
 * A permanent refusal (no such report, a report in a state that cannot close) is logged and
 * settled, not retried: retrying cannot change the answer.
 */
export async function startDispatchConsumer(o: DispatchConsumerOptions): Promise<EventConsumer> {
  const consumer = new EventConsumer({
    broker: o.broker,
    inbox: null,
    group: o.group,
    topics: [o.topic],
    // In the background, like the join: intake serves while the broker is away.
    createMissingTopics: { partitions: 6 },
    codec: dispatchEventCodec(),
    types: [CASE_OPENED, CASE_CLOSED],
    retry: { attempts: 5 },
    onError: (e) => o.logger.warn({ err: e }, 'dispatch event handling failed'),
    handler: async (event: LoggedEvent) => {
      const data = event.data as { caseId?: unknown };
      const caseId = typeof data.caseId === 'string' && data.caseId !== '' ? data.caseId : null;
      const meta = {
        actor: { subject: 'intake-process', department: 'system.intake', roles: ['system'] },
        correlationId: event.correlationId,
        causationId: event.id,
      };
      for (const reportId of reportIdsOf(event.data)) {
        try {
          if (event.type === CASE_OPENED && caseId) await o.intake.linkCase(reportId, caseId, meta);
          if (event.type === CASE_CLOSED) await o.intake.closeFromCase(reportId, caseId, meta);
        } catch (e) {
          if (!isDomainError(e) || e instanceof ConcurrencyError) throw e;
          o.logger.warn({ err: e, reportId, type: event.type }, 'dispatch event refused by the report; settled without effect');
        }
      }
    },
  });
  await consumer.start();
  return consumer;
}
