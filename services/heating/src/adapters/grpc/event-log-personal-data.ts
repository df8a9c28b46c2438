import type { LoggedEvent } from '@yiwang/kernel-core';
import { isSealed } from '@yiwang/kernel-mongodb';
import { type PersonalDataPolicy } from '@yiwang/event-log';
import { type ComplaintReceived } from '../../domain';

const RECEIVED = 'heating.complaint.received.v1';
type Received = ComplaintReceived['data'];

/** The event without the complainant's contact (`contact: null`); other events as they are. */
export const redactComplaintContact = (event: LoggedEvent): LoggedEvent =>
  event.type === RECEIVED && (event.data as Received).contact ? { ...event, data: { ...(event.data as Received), contact: null } } : event;

/**
 * What heating's event log hands out about residents (PIPL): the only personal field is `contact`
 * (name, phone, address) of `heating.complaint.received.v1`, sealed per complaint. Redacted: null.
 * Revealed (`analyst.personal-data`): unsealed — empty once erased.
 */
export function complaintContactPolicy(vault: { open(subjectId: string, sealed: string): Promise<string | null> }): PersonalDataPolicy {
  const open = async (id: string, v: string) => (isSealed(v) ? ((await vault.open(id, v)) ?? '') : v);
  return {
    redact: redactComplaintContact,
    reveal: async (event: LoggedEvent) => {
      if (event.type !== RECEIVED) return event;
      const d = event.data as Received;
      if (!d.contact) return event;
      return {
        ...event,
        data: {
          ...d,
          contact: {
            name: await open(d.complaintId, d.contact.name),
            phone: await open(d.complaintId, d.contact.phone),
            address: await open(d.complaintId, d.contact.address),
          },
        },
      };
    },
  };
}
