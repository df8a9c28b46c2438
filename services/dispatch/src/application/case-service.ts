import { CommandHandler, uuidv7, ValidationError, type EventStore, type HandleResult, type RecordedEvent } from '@yiwang/kernel-core';
import {
  addWorkingTime,
  caseDecider,
  caseStreamId,
  CaseId,
  instantFromMillis,
  workingTimeBetween,
  type Actor,
  type BusinessCalendar,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type Instant,
  type ResponsibilityMatrix,
} from '../domain';
import { type Clock } from '@yiwang/kernel-core';

export type CaseHandler = CommandHandler<CaseCommand, CaseEvent, CaseState>;

/** Stored events of the case streams back into the decider's events (other types are skipped). */
export const caseEventMapping = {
  fromRecorded: (e: RecordedEvent): CaseEvent | null =>
    e.type.startsWith('dispatch.case.') ? ({ type: e.type, data: e.data } as CaseEvent) : null,
  toNew: (e: CaseEvent) => ({ type: e.type, data: e.data }),
};

export interface ExecuteOptions {
  readonly actor: Actor;
  readonly expectedVersion?: number | undefined;
  readonly commandId?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly causationId?: string | undefined;
}

/** What a caller builds a command from: the validated case id and the clock's now. */
export type CommandContext = Readonly<{ caseId: CaseId; at: Instant }>;

/**
 * The application side of the case aggregate: validates the id, stamps the time from the clock,
 * puts the caller in the command (the decider authorises), and supplies the lookups `decide` must
 * not do itself (the matrix, default deadlines from the business calendar).
 */
export class CaseService {
  readonly handler: CaseHandler;

  constructor(
    readonly store: EventStore,
    readonly clock: Clock,
    readonly calendar: BusinessCalendar,
    readonly matrix: ResponsibilityMatrix,
  ) {
    this.handler = new CommandHandler(store, caseDecider, caseEventMapping);
  }

  now(): Instant {
    return instantFromMillis(this.clock.now().getTime());
  }

  async execute(
    rawCaseId: string,
    build: (ctx: CommandContext) => CaseCommand | Promise<CaseCommand>,
    options: ExecuteOptions,
  ): Promise<HandleResult<CaseState>> {
    const caseId = CaseId(rawCaseId);
    const command = await build({ caseId, at: this.now() });
    return this.handler.handle(caseStreamId(caseId), command, {
      ...(options.commandId ? { commandId: options.commandId } : {}),
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      metadata: {
        actor: options.actor,
        correlationId: options.correlationId ?? uuidv7(),
        ...(options.causationId ? { causationId: options.causationId } : {}),
      },
    });
  }

  /** A unit id the matrix knows (re-dispatch and reopen must name a real unit). */
  knownUnit(unitId: string, field = 'unitId'): string {
    if (!this.matrix.units.has(unitId))
      throw new ValidationError(`unknown unit ${unitId}`, [{ field, message: 'not a unit of the responsibility matrix' }]);
    return unitId;
  }

  /**
   * The deadline a client left empty: the same working-time allowance the case got at its first
   * dispatch (which came from the category's default), counted from `at`.
   */
  async defaultDeadline(caseId: CaseId, at: Instant): Promise<Instant> {
    const { events } = await this.store.readStream(caseStreamId(caseId));
    const first = events.find((e) => e.type === 'dispatch.case.dispatched.v1');
    const data = first?.data as { dispatchedAt: string; deadline: string } | undefined;
    const allowanceMs = data ? workingTimeBetween(this.calendar, new Date(data.dispatchedAt), new Date(data.deadline)) : 4 * 3_600_000;
    const hours = Math.max(allowanceMs, 60_000) / 3_600_000;
    return instantFromMillis(addWorkingTime(this.calendar, new Date(at), { amount: hours, unit: 'working_hours' }).getTime());
  }
}
