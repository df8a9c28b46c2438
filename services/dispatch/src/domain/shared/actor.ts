import { ForbiddenError } from '@yiwang/kernel-core';

/**
 * Who sends a command, as the verified token says (the same shape as the platform's Principal;
 * redeclared here because domain code may not import the platform).
 */
export type Actor = Readonly<{ subject: string; department: string; roles: readonly string[] }>;

/** Roles the case loop knows. A unit needs no role: it is identified by its department. */
export const Roles = {
  /** 指挥中心: dispatches, decides returns / extensions / suspensions, supervises, reopens. */
  commandCentre: 'centre.command',
  /** 监督中心: files reports, evaluates closed cases. */
  supervisionCentre: 'centre.supervision',
  /** 监督员 / 核查员 of the supervision centre: verifies results on site. */
  inspector: 'inspector',
  /** The durable deadline checker and the process managers. */
  system: 'system',
} as const;

export function requireRole(actor: Actor, command: string, ...roles: readonly string[]): void {
  if (!roles.some((r) => actor.roles.includes(r))) {
    throw new ForbiddenError(`${command} needs role ${roles.join(' or ')}; ${actor.subject} has none of them`, {
      subject: actor.subject,
      command,
      required: roles,
    });
  }
}

/** A unit acts only on a case currently dispatched to it. */
export function requireUnit(actor: Actor, command: string, unitId: string | null): void {
  if (unitId === null || actor.department !== unitId) {
    throw new ForbiddenError(`${command}: the case is not dispatched to ${actor.department}`, {
      subject: actor.subject,
      department: actor.department,
      command,
    });
  }
}
