import type { Decider } from './decider';
import { type DomainError } from '../errors/domain-errors';

/**
 * given(events).when(command).then(events) / .thenThrows(ErrorClass, code?) for decider tests.
 * Framework-neutral: it throws an Error describing the mismatch, which any test runner reports.
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(history: readonly E[]) {
      return {
        when(command: C) {
          const run = (): readonly E[] => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected: readonly E[]): void {
              const actual = run();
              const a = JSON.stringify(actual);
              const b = JSON.stringify(expected);
              if (a !== b) throw new Error(`decider produced\n  ${a}\nexpected\n  ${b}`);
            },
            thenThrows<T extends DomainError>(kind: abstract new (...args: never[]) => T, check?: (error: T) => void): void {
              let produced: readonly E[];
              try {
                produced = run();
              } catch (error) {
                if (!(error instanceof kind)) throw new Error(`expected ${kind.name}, got ${String(error)}`);
                check?.(error);
                return;
              }
              throw new Error(`expected ${kind.name}, but the decider produced ${JSON.stringify(produced)}`);
            },
          };
        },
      };
    },
  };
}
