import {
  CommandHandler,
  uuidv7,
  ValidationError,
  type Clock,
  type EventStore,
  type HandleResult,
  type RecordedEvent,
} from '@yiwang/kernel-core';
import { deadlineAfter, type BusinessCalendar } from '@yiwang/working-time';
import {
  complaintDecider,
  complaintStreamId,
  ComplaintId,
  HouseholdId,
  householdOf,
  instantFromMillis,
  seasonStartMs,
  termsFor,
  type Actor,
  type CityConfig,
  type ComplaintCommand,
  type ComplaintEvent,
  type ComplaintState,
  type Instant,
  type SealedContact,
} from '../domain';

export type ComplaintHandler = CommandHandler<ComplaintCommand, ComplaintEvent, ComplaintState>;

export const complaintEventMapping = {
  fromRecorded: (e: RecordedEvent): ComplaintEvent | null =>
    e.type.startsWith('heating.complaint.') ? ({ type: e.type, data: e.data } as ComplaintEvent) : null,
  toNew: (e: ComplaintEvent) => ({ type: e.type, data: e.data }),
};

export interface ExecuteOptions {
  readonly actor: Actor;
  readonly expectedVersion?: number | undefined;
  readonly commandId?: string | undefined;
  readonly correlationId?: string | undefined;
}

export type CommandContext = Readonly<{ complaintId: ComplaintId; at: Instant }>;

/** Seals personal data per subject (the vault in production; anything alike in tests). */
export interface Sealer {
  seal(subjectId: string, value: string): Promise<string>;
}

export type NewComplaint = Readonly<{
  complaintId: string;
  householdId: string;
  channel: string;
  description: string;
  contact: { name: string; phone: string; address: string } | null;
  externalRef?: string;
  pointId?: string;
}>;

/**
 * The application side of the complaint aggregate: stamps the time from the clock, finds the
 * household's company in the city's service areas, copies the city's terms into the complaint,
 * computes the clock-hour limits with `deadlineAfter`, and seals the contact before the append.
 */
export class ComplaintService {
  readonly handler: ComplaintHandler;

  constructor(
    readonly store: EventStore,
    readonly clock: Clock,
    readonly calendar: BusinessCalendar,
    readonly city: CityConfig,
    private readonly sealer: Sealer,
  ) {
    this.handler = new CommandHandler(store, complaintDecider, complaintEventMapping);
  }

  now(): Instant {
    return instantFromMillis(this.clock.now().getTime());
  }

  /** The city's limit counted from `at` (clock hours: a plain 24 h, nights and holidays included). */
  deadline(at: Instant, which: 'measure' | 'fix'): Instant {
    return instantFromMillis(deadlineAfter(this.calendar, new Date(at), this.city.limits[which]).getTime());
  }

  async execute(
    rawId: string,
    build: (ctx: CommandContext) => ComplaintCommand | Promise<ComplaintCommand>,
    options: ExecuteOptions,
  ): Promise<HandleResult<ComplaintState>> {
    const complaintId = ComplaintId(rawId);
    const command = await build({ complaintId, at: this.now() });
    return this.handler.handle(complaintStreamId(complaintId), command, {
      ...(options.commandId ? { commandId: options.commandId } : {}),
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      metadata: { actor: options.actor, correlationId: options.correlationId ?? uuidv7() },
    });
  }

  /** Lodges a complaint: the company from the service area, the terms and the measuring limit from the city. */
  receive(req: NewComplaint, options: ExecuteOptions): Promise<HandleResult<ComplaintState>> {
    const householdId = HouseholdId(req.householdId);
    const household = householdOf(this.city, householdId);
    if (!household)
      throw new ValidationError(`no heating company serves ${householdId}: unknown compound`, [
        { field: 'householdId', message: 'compound not in any service area' },
      ]);
    return this.execute(
      req.complaintId,
      async ({ complaintId, at }) => ({
        type: 'ReceiveComplaint',
        actor: options.actor,
        data: {
          complaintId,
          householdId,
          companyId: household.companyId,
          channel: req.channel,
          description: req.description,
          contact: await this.sealContact(complaintId, req.contact),
          terms: termsFor(this.city, household.heatedAreaCentiM2),
          seasonStartsAt: new Date(seasonStartMs(this.city)).toISOString(),
          measureDeadline: this.deadline(at, 'measure'),
          at,
          ...(req.externalRef ? { externalRef: req.externalRef } : {}),
          ...(req.pointId ? { pointId: req.pointId } : {}),
        },
      }),
      options,
    );
  }

  private async sealContact(complaintId: string, contact: NewComplaint['contact']): Promise<SealedContact | null> {
    if (contact === null || (contact.name === '' && contact.phone === '' && contact.address === '')) return null;
    for (const [field, value, max] of [
      ['contactName', contact.name, 50],
      ['contactPhone', contact.phone, 30],
      ['address', contact.address, 200],
    ] as const) {
      if (value.length > max) throw new ValidationError(`${field} is longer than ${max} characters`, [{ field, message: 'too long' }]);
    }
    const seal = (v: string) => (v === '' ? Promise.resolve('') : this.sealer.seal(complaintId, v));
    return { name: await seal(contact.name), phone: await seal(contact.phone), address: await seal(contact.address) };
  }
}
