import type { EventStore, NewEvent } from '@yiwang/kernel-core';
import { isSealed, type PersonalDataVault } from '@yiwang/kernel-mongodb';
import { type ReporterContact, type ReportReceived } from '../domain';

/**
 * PIPL crypto-shredding of reporters' contacts. The decider validates the plain contact; this
 * store decorator, used only by the report command handler, seals `reporter.name` and
 * `reporter.phone` of `intake.report.received.v1` with the report's data key just before the
 * append — so the event store, the read models and Kafka only ever see ciphertext. Erasing the
 * report's key (`vault.erase(reportId)`) makes every copy unreadable.
 */
export function sealingReporterContacts(store: EventStore, vault: PersonalDataVault): EventStore {
  const sealOne = async (subjectId: string, value: string | null): Promise<string | null> =>
    value === null || isSealed(value) ? value : vault.seal(subjectId, value);

  const sealEvent = async (event: NewEvent): Promise<NewEvent> => {
    if (event.type !== 'intake.report.received.v1') return event;
    const data = event.data as ReportReceived['data'];
    if (!data.reporter) return event;
    const reporter: ReporterContact = {
      name: await sealOne(data.reportId, data.reporter.name),
      phone: await sealOne(data.reportId, data.reporter.phone),
    };
    return { ...event, data: { ...data, reporter } };
  };

  return {
    append: async (streamId, expected, events) => store.append(streamId, expected, await Promise.all(events.map(sealEvent))),
    readStream: (streamId, options) => store.readStream(streamId, options),
    findByCommandId: (streamId, commandId) => store.findByCommandId(streamId, commandId),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
  };
}
