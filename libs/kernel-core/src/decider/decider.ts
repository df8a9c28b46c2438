/**
 * A decider is an aggregate's whole behaviour as two pure functions: `decide` turns a command and
 * the current state into new events (or throws a DomainError), `evolve` folds one event into state.
 * Time, ids and lookups come in the command, so both stay free of I/O.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: () => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
}

/** Events as a decider sees them: a type and data, nothing about storage. */
export type DomainEvent<Type extends string = string, Data = unknown> = Readonly<{ type: Type; data: Data }>;

export const fold = <Event, State>(decider: Pick<Decider<never, Event, State>, 'evolve'>, state: State, events: readonly Event[]): State =>
  events.reduce(decider.evolve, state);

/** Exhaustiveness check for `switch` statements over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
