import { IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { deadlineAfter } from '@yiwang/working-time';
import { type EnforcementPolicy, type LimitName } from '../policy/policy';
import { Instant, instantOf, toMillis } from '../shared/values';
import { type CaseState, type EnforcementCase, type Status } from './state';

/** The case, or NOT_FOUND for a command on a stream that does not exist. */
export function existing(state: CaseState, command: string): EnforcementCase {
  if (state.status === 'none') throw new NotFoundError(`${command}: no such enforcement case`);
  return state;
}

/** Refuses a step the procedure does not allow now; `rule` names where the order comes from. */
export function inStatus(s: EnforcementCase, command: string, rule: string, ...allowed: readonly Status[]): void {
  if (!allowed.includes(s.status as Status)) {
    throw new IllegalStateError(`${command} is not allowed in status ${s.status} (${rule}); allowed in: ${allowed.join(', ')}`, {
      caseId: s.caseId,
      status: s.status,
      rule,
    });
  }
}

export function refuse(s: EnforcementCase, message: string, rule: string): never {
  throw new IllegalStateError(`${message} (${rule})`, { caseId: s.caseId, status: s.status, rule });
}

/** Art 42: at least two officers on every act of investigation (distinct people). */
export function twoOfficers(value: unknown, field = 'officers'): readonly string[] {
  const list = Array.isArray(value)
    ? [...new Set(value.filter((o): o is string => typeof o === 'string' && o.trim() !== '').map((o) => o.trim()))]
    : [];
  if (list.length < 2) {
    throw new ValidationError(`${field}: at least two officers must take part (行政处罚法 Art 42); got ${list.length}`, [
      { field, message: 'fewer than two officers' },
    ]);
  }
  if (list.length > 10 || list.some((o) => o.length > 80))
    throw new ValidationError(`${field}: at most ten officer ids`, [{ field, message: 'too many or too long' }]);
  return list;
}

/** When a named period that starts at `from` ends, on the policy's business calendar. */
export const due = (policy: EnforcementPolicy, from: string, limit: LimitName): Instant =>
  instantOf(deadlineAfter(policy.calendar, new Date(from), policy.limits[limit]));

export const at = (data: { at: string }): Instant => Instant(data.at);
export const notAfter = (when: string, deadline: string): boolean => toMillis(when) <= toMillis(deadline);
export const ids = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/.test(value))
    throw new ValidationError(`${field} must be an id`, [{ field, message: String(value) }]);
  return value;
};
