import type { LoggedEvent } from '@yiwang/kernel-core';
import { isSealed, type PersonalDataVault } from '@yiwang/kernel-mongodb';
import { type PersonalDataPolicy } from '@yiwang/event-log';
import { type ReportReceived } from '../../domain';

type Received = ReportReceived['data'];

const RECEIVED = 'intake.report.received.v1';

/** The event without the reporter's contact (`reporter: null`); other events as they are. */
export function redactReporterContact(event: LoggedEvent): LoggedEvent {
  if (event.type !== RECEIVED) return event;
  const data = event.data as Received;
  return data.reporter ? { ...event, data: { ...data, reporter: null } } : event;
}

/**
 * What intake's event log hands out about reporters (PIPL). The only personal field of intake's
 * events is `reporter` (name, phone) on `intake.report.received.v1`, sealed per report in the
 * store. Redacted: `reporter` is null. Revealed (role `analyst.personal-data`): name and phone
 * unsealed with the report's key — null once the reporter's contact has been erased.
 */
export function reporterContactPolicy(vault: PersonalDataVault): PersonalDataPolicy {
  const open = async (reportId: string, value: string | null): Promise<string | null> =>
    value !== null && isSealed(value) ? vault.open(reportId, value) : value;
  return {
    redact: redactReporterContact,
    reveal: async (event: LoggedEvent): Promise<LoggedEvent> => {
      if (event.type !== RECEIVED) return event;
      const data = event.data as Received;
      if (!data.reporter) return event;
      const reporter = { name: await open(data.reportId, data.reporter.name), phone: await open(data.reportId, data.reporter.phone) };
      return { ...event, data: { ...data, reporter } };
    },
  };
}
