import type { Decider } from '../decider/decider';
import type { EventMetadata, RecordedEvent } from '../events/envelope';
import type { EventStore } from '../store/event-store';
import { ConcurrencyError } from '../errors/domain-errors';
import type { SnapshotStore } from '../ports/snapshots';
import { RecentEntries } from '../caching/recent-entries';
import { OneAtATime } from '../caching/one-at-a-time';

/** The decider's view of events: what the store gives back is mapped to these before `evolve`. */
export interface EventMapping<Event> {
  /** Turns a stored event into the decider's event, or null for types it does not know (skipped). */
  readonly fromRecorded: (event: RecordedEvent) => Event | null;
  /** Turns a decided event into the store's {type, data}. */
  readonly toNew: (event: Event) => { readonly type: string; readonly data: unknown };
}

export interface CommandHandlerOptions<State> {
  /** Retries after a lost race (someone appended between our load and our append). */
  readonly maxRetries?: number;
  readonly snapshots?: { readonly store: SnapshotStore; readonly every: number; readonly schema: number };
  /** Called with the new state after a successful append (inline projections, read-your-writes). */
  readonly afterAppend?: (streamId: string, state: State, events: readonly RecordedEvent[]) => Promise<void>;
  /**
   * Streams whose state (and version) this handler keeps after its own appends, so the next command
   * on them decides without reading the stream (default {@link DEFAULT_STATES_KEPT}; 0 keeps none).
   * A state kept here is never trusted blindly: the append at its version fails if anyone appended
   * since, and a command it refuses or finds nothing to do for is decided again on the stream as read.
   */
  readonly statesKept?: number;
  readonly _stateType?: State;
}

/** Per handler: enough for the streams a busy service touches within a few minutes. */
export const DEFAULT_STATES_KEPT = 5_000;

export interface HandleOptions {
  /** Idempotency key: a retried command with the same key returns the first result, appends nothing. */
  readonly commandId?: string;
  readonly metadata?: Omit<EventMetadata, 'commandId'>;
  /** Reject unless the stream is at this version (a client's optimistic check). */
  readonly expectedVersion?: number;
}

export interface HandleResult<State> {
  readonly streamId: string;
  readonly version: number;
  readonly state: State;
  readonly events: readonly RecordedEvent[];
  /** True when the command had been handled before and this is its first result again. */
  readonly replayed: boolean;
}

/**
 * load (snapshot + events) → pure decide → append, with a bounded retry on concurrency conflicts.
 * The only place where a decider meets the store; services wire one per aggregate.
 */
export class CommandHandler<Command, Event, State> {
  private readonly maxRetries: number;
  /** Stream → its state and version right after this handler's last append to it. */
  private readonly kept: RecentEntries<string, { readonly state: State; readonly version: number }>;
  /**
   * Commands of one stream run one at a time in this process, their inline projections included:
   * a read model guarded by stream version must get a stream's events in order, and a command that
   * follows quickly (a reaction to the first one's published event) could otherwise project its
   * event before the first command's inline projection had projected its own.
   */
  private readonly perStream = new OneAtATime();

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<Command, Event, State>,
    private readonly mapping: EventMapping<Event>,
    private readonly options: CommandHandlerOptions<State> = {},
  ) {
    this.maxRetries = options.maxRetries ?? 5;
    this.kept = new RecentEntries(options.statesKept ?? DEFAULT_STATES_KEPT);
  }

  /** The aggregate's current state and version (version 0: the stream does not exist). */
  async load(streamId: string): Promise<{ state: State; version: number }> {
    const { state, version } = await this.loadWithEvents(streamId);
    return { state, version };
  }

  private async loadWithEvents(streamId: string): Promise<{ state: State; version: number; events: readonly RecordedEvent[] }> {
    const snap = this.options.snapshots ? await this.options.snapshots.store.load<State>(streamId, this.options.snapshots.schema) : null;
    const { version, events } = await this.store.readStream(streamId, {
      fromVersion: (snap?.version ?? 0) + 1,
      fromIsCommitBoundary: snap !== null,
    });
    let state = snap?.state ?? this.decider.initialState();
    for (const e of events) {
      const mapped = this.mapping.fromRecorded(e);
      if (mapped !== null) state = this.decider.evolve(state, mapped);
    }
    return { state, version: Math.max(version, snap?.version ?? 0), events };
  }

  handle(streamId: string, command: Command, options: HandleOptions = {}): Promise<HandleResult<State>> {
    return this.perStream.run(streamId, () => this.handleNow(streamId, command, options));
  }

  private async handleNow(streamId: string, command: Command, options: HandleOptions): Promise<HandleResult<State>> {
    if (options.commandId) {
      const earlier = await this.previousResult(streamId, options.commandId);
      if (earlier) return earlier;
    }
    // A command with an idempotency key reads the stream: its own events may be there already.
    let kept = options.commandId ? undefined : this.kept.get(streamId);
    for (let attempt = 0; ; attempt++) {
      const { state, version, events: recent } = kept ? { ...kept, events: [] } : await this.loadWithEvents(streamId);
      const fromKept = kept !== undefined;
      kept = undefined;
      if (options.commandId) {
        // The command's record is written just after its commit; a racing retry may see the events first.
        const mine = recent.filter((e) => e.commandId === options.commandId);
        if (mine.length > 0) return { streamId, version: mine[mine.length - 1]!.streamVersion, state, events: mine, replayed: true };
      }
      if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
        if (fromKept) continue; // someone else may have appended: compare with the stream itself
        throw new ConcurrencyError(streamId, String(options.expectedVersion), version);
      }
      let decided: readonly Event[];
      try {
        decided = this.decider.decide(command, state);
      } catch (e) {
        if (fromKept) continue; // refused on a state someone may have moved on from: decide on the stream
        throw e;
      }
      if (decided.length === 0) {
        if (fromKept) continue; // nothing to do — unless the stream moved on: decide on it
        return { streamId, version, state, events: [], replayed: false };
      }
      const metadata: EventMetadata = { ...options.metadata, ...(options.commandId ? { commandId: options.commandId } : {}) };
      try {
        const result = await this.store.append(
          streamId,
          version === 0 ? 'no_stream' : version,
          decided.map((e) => ({ ...this.mapping.toNew(e), metadata })),
        );
        const newState = decided.reduce(this.decider.evolve, state);
        this.kept.set(streamId, { state: newState, version: result.nextExpectedVersion });
        await this.maybeSnapshot(streamId, version, result.nextExpectedVersion, newState);
        await this.options.afterAppend?.(streamId, newState, result.events);
        return { streamId, version: result.nextExpectedVersion, state: newState, events: result.events, replayed: false };
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        this.kept.delete(streamId);
        // The winner of the race may have been this very command, resent by an impatient client.
        if (options.commandId) {
          const earlier = await this.previousResult(streamId, options.commandId);
          if (earlier) return earlier;
        }
        if (fromKept) continue; // the kept state was behind: that try does not count as a lost race
        if (options.expectedVersion !== undefined || attempt >= this.maxRetries) throw e;
      }
    }
  }

  private async previousResult(streamId: string, commandId: string): Promise<HandleResult<State> | null> {
    const events = await this.store.findByCommandId(streamId, commandId);
    if (events.length === 0) return null;
    const { state } = await this.load(streamId);
    return { streamId, version: events[events.length - 1]!.streamVersion, state, events, replayed: true };
  }

  private async maybeSnapshot(streamId: string, before: number, after: number, state: State): Promise<void> {
    const s = this.options.snapshots;
    if (!s || Math.floor(after / s.every) === Math.floor(before / s.every)) return;
    await s.store.save(streamId, s.schema, after, state).catch(() => undefined); // a cache: never fail the command for it
  }
}
