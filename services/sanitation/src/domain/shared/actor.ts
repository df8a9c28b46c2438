import { ForbiddenError } from '@yiwang/kernel-core';

/** Who sends a command, as the verified token says (the platform's Principal, redeclared: domain code is pure). */
export type Actor = Readonly<{ subject: string; department: string; roles: readonly string[] }>;

/** Roles of the sanitation service. A contractor needs no role: it is identified by its department. */
export const Roles = {
  /** 环卫处 / district staff: keeps the facility register, reads everything. */
  admin: 'sanitation.admin',
  /** City and district staff who read every facility and score. */
  staff: 'sanitation.staff',
  /** 检查员: records inspections (以克论净, toilets, stations). */
  inspector: 'inspector',
  /** Crews and the vehicle gateway: report work records for their contractor's facilities. */
  crew: 'sanitation.crew',
  /** The deadline scan and process managers. */
  system: 'system',
} as const;

export const hasRole = (actor: Actor, ...roles: readonly string[]): boolean => roles.some((r) => actor.roles.includes(r));

export function requireRole(actor: Actor, command: string, ...roles: readonly string[]): void {
  if (!hasRole(actor, ...roles)) {
    throw new ForbiddenError(`${command} needs role ${roles.join(' or ')}; ${actor.subject} has none of them`, {
      subject: actor.subject,
      command,
      required: roles,
    });
  }
}

/** City staff see everything; anyone else only what their department is responsible for. */
export const seesAll = (actor: Actor): boolean => hasRole(actor, Roles.admin, Roles.staff, Roles.inspector, Roles.system);

export function requireResponsible(actor: Actor, command: string, contractor: string): void {
  if (!seesAll(actor) && actor.department !== contractor) {
    throw new ForbiddenError(`${command}: the facility is not in the care of ${actor.department}`, {
      subject: actor.subject,
      department: actor.department,
      command,
    });
  }
}
