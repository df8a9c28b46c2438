import { ForbiddenError } from '@yiwang/kernel-core';

/**
 * Who is calling, as a verified token says: the subject (a user or a system), the department it
 * acts for (e.g. `dept.sanitation.d01`, `centre.command`) and its roles.
 */
export interface Principal {
  readonly subject: string;
  readonly department: string;
  readonly roles: readonly string[];
}

/** Department codes: lower-case dot-separated segments, e.g. `dept.sanitation.d01`. */
export const DEPARTMENT_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/;

/** True when the principal holds at least one of `roles`. */
export function hasRole(principal: Principal, ...roles: readonly string[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

/**
 * Throws ForbiddenError unless the principal holds AT LEAST ONE of `roles`
 * (call it twice to require two roles).
 */
export function requireRole(principal: Principal, ...roles: readonly string[]): void {
  if (roles.length === 0) throw new Error('requireRole needs at least one role');
  if (!hasRole(principal, ...roles)) {
    throw new ForbiddenError(`${principal.subject} needs role ${roles.join(' or ')}`, { subject: principal.subject, required: roles });
  }
}

/** Throws ForbiddenError unless the principal acts for exactly `department`. */
export function requireDepartment(principal: Principal, department: string): void {
  if (principal.department !== department) {
    throw new ForbiddenError(`${principal.subject} of ${principal.department} may not act for ${department}`, {
      subject: principal.subject,
      department: principal.department,
      required: department,
    });
  }
}
