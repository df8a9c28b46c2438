import { CommandHandler, uuidv7, type Clock, type EventStore, type HandleResult, type RecordedEvent } from '@yiwang/kernel-core';
import { type PersonalDataVault } from '@yiwang/kernel-mongodb';
import {
  EnforcementCaseId,
  enforcementDecider,
  enforcementStreamId,
  instantOf,
  type Actor,
  type CaseState,
  type EnforcementCommand,
  type EnforcementEvent,
  type EnforcementPolicy,
  type Instant,
} from '../domain';
import { sealingParties, vaultSubject } from './personal-data';

export type EnforcementHandler = CommandHandler<EnforcementCommand, EnforcementEvent, CaseState>;

/** Stored events back into the decider's events (other types are skipped). */
export const enforcementEventMapping = {
  fromRecorded: (e: RecordedEvent): EnforcementEvent | null =>
    e.type.startsWith('enforcement.case.') ? ({ type: e.type, data: e.data } as EnforcementEvent) : null,
  toNew: (e: EnforcementEvent) => ({ type: e.type, data: e.data }),
};

export interface ExecuteOptions {
  readonly actor: Actor;
  readonly expectedVersion?: number | undefined;
  readonly commandId?: string | undefined;
  readonly correlationId?: string | undefined;
}

export type CommandContext = Readonly<{ caseId: EnforcementCaseId; at: Instant }>;

/** A dispatch case handed over becomes `EF-<dispatch case id>`: one enforcement case per hand-over. */
export const caseIdForDispatchCase = (dispatchCaseId: string): EnforcementCaseId =>
  EnforcementCaseId(`EF-${dispatchCaseId}`.slice(0, 80), 'dispatchCaseId');

/**
 * The application side of the enforcement case: validates the id, stamps the time from the
 * clock, puts the caller in the command (the decider authorises) and seals parties on the way to
 * the store. Erasure appends its event first (so the record shows it), then shreds the key.
 */
export class EnforcementCases {
  readonly handler: EnforcementHandler;

  constructor(
    readonly store: EventStore,
    readonly clock: Clock,
    readonly policy: EnforcementPolicy,
    private readonly vault: PersonalDataVault,
  ) {
    this.handler = new CommandHandler(sealingParties(store, vault), enforcementDecider(policy), enforcementEventMapping);
  }

  now(): Instant {
    return instantOf(this.clock.now());
  }

  newCaseId(): EnforcementCaseId {
    return EnforcementCaseId(`EF-${uuidv7()}`);
  }

  async execute(
    rawCaseId: string,
    build: (ctx: CommandContext) => EnforcementCommand,
    options: ExecuteOptions,
  ): Promise<HandleResult<CaseState>> {
    const caseId = EnforcementCaseId(rawCaseId);
    const command = build({ caseId, at: this.now() });
    const result = await this.handler.handle(enforcementStreamId(caseId), command, {
      ...(options.commandId ? { commandId: options.commandId } : {}),
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      metadata: { actor: options.actor, correlationId: options.correlationId ?? uuidv7() },
    });
    if (result.events.some((e) => e.type === 'enforcement.case.personal_data_erased.v1')) await this.vault.erase(vaultSubject(caseId));
    return result;
  }
}
