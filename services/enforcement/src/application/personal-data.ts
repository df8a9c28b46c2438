import type { EventStore, LoggedEvent, NewEvent } from '@yiwang/kernel-core';
import { isSealed, type PersonalDataVault } from '@yiwang/kernel-mongodb';
import { type PersonalDataPolicy } from '@yiwang/event-log';
import { PARTY_EVENT_TYPES, type Party } from '../domain';

/**
 * PIPL crypto-shredding of parties (当事人). The decider validates and masks the plain party; this
 * store decorator seals name, id number, phone and address with the case's data key just before
 * the append, so the store, the read models and Kafka only ever hold ciphertext. Erasing the
 * case's key makes every copy unreadable at once.
 */
const SEALED_FIELDS = ['name', 'idNumber', 'phone', 'address'] as const;

/** The vault subject of a case: one key per case, shredded by ErasePersonalData. */
export const vaultSubject = (caseId: string): string => `enforcement:${caseId}`;

type WithParty = { caseId: string; party: Party | null };

async function mapParty(data: WithParty, f: (subject: string, value: string) => Promise<string | null>): Promise<WithParty> {
  if (!data.party) return data;
  const party: Record<string, unknown> = { ...data.party };
  for (const field of SEALED_FIELDS) {
    const value = data.party[field];
    if (value !== '') party[field] = await f(vaultSubject(data.caseId), value);
  }
  return { ...data, party: party as Party };
}

const hasParty = (type: string): boolean => (PARTY_EVENT_TYPES as readonly string[]).includes(type);

export function sealingParties(store: EventStore, vault: PersonalDataVault): EventStore {
  const seal = async (event: NewEvent): Promise<NewEvent> =>
    hasParty(event.type)
      ? { ...event, data: await mapParty(event.data as WithParty, async (s, v) => (isSealed(v) ? v : vault.seal(s, v))) }
      : event;
  return {
    append: async (streamId, expected, events) => store.append(streamId, expected, await Promise.all(events.map(seal))),
    readStream: (streamId, options) => store.readStream(streamId, options),
    findByCommandId: (streamId, commandId) => store.findByCommandId(streamId, commandId),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
  };
}

/** The party unsealed (null fields once erased). */
export async function openParty(
  vault: PersonalDataVault,
  caseId: string,
  party: Party | null,
): Promise<Record<string, string | null> | null> {
  if (!party) return null;
  const out: Record<string, string | null> = { ...party };
  for (const field of SEALED_FIELDS)
    out[field] =
      party[field] !== '' && isSealed(party[field]) ? await vault.open(vaultSubject(caseId), party[field]) : party[field] || null;
  return out;
}

/** The event log's policy: sealed party fields blanked for everyone; unsealed for `analyst.personal-data`. */
export function partyPolicy(vault: PersonalDataVault): PersonalDataPolicy {
  return {
    redact: (event: LoggedEvent): LoggedEvent => {
      if (!hasParty(event.type)) return event;
      const data = event.data as WithParty;
      return data.party ? { ...event, data: { ...data, party: { ...data.party, name: '', idNumber: '', phone: '', address: '' } } } : event;
    },
    reveal: async (event: LoggedEvent): Promise<LoggedEvent> => {
      if (!hasParty(event.type)) return event;
      const data = event.data as WithParty;
      return { ...event, data: await mapParty(data, async (s, v) => (isSealed(v) ? ((await vault.open(s, v)) ?? '') : v)) };
    },
  };
}
