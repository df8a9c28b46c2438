import { IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { type Instant, Instant as instant, toMillis } from '../shared/values';
import { type CaseState, type CaseStatus, type ExistingCase } from './case-state';

/** Shared guards of the case deciders; each throws the error kind the transports map. */

export function mustExist(state: CaseState, command: string): ExistingCase {
  if (state.status === 'none') throw new NotFoundError(`${command}: no such case`, { command });
  return state;
}

export function mustBeIn<S extends CaseStatus>(
  state: CaseState,
  command: string,
  ...statuses: readonly S[]
): Extract<CaseState, { status: S }> {
  if (!(statuses as readonly string[]).includes(state.status)) {
    throw new IllegalStateError(`${command} is not allowed while the case is ${state.status}`, {
      command,
      status: state.status,
      allowed: statuses,
    });
  }
  return state as Extract<CaseState, { status: S }>;
}

/** A deadline must lie after the moment it is set. */
export function futureInstant(value: unknown, field: string, now: Instant): Instant {
  const t = instant(value, field);
  if (toMillis(t) <= toMillis(now)) {
    throw new ValidationError(`${field} must be after ${now}`, [{ field, message: `${t} is not after ${now}` }]);
  }
  return t;
}

export function optionalNote(value: unknown, field = 'note', max = 2000): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > max) {
    throw new ValidationError(`${field} must be text of at most ${max} characters`, [{ field, message: 'not text or too long' }]);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(`${field} must be one of ${allowed.join(', ')}`, [{ field, message: `got ${JSON.stringify(value)}` }]);
  }
  return value as T;
}

export function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new ValidationError(`${field} must be true or false`, [{ field, message: `got ${JSON.stringify(value)}` }]);
  return value;
}
