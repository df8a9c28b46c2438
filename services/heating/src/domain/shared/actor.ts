import { ForbiddenError } from '@yiwang/kernel-core';

/** Who sends a command, as the verified token says (the platform's Principal, redeclared: domain code may not import it). */
export type Actor = Readonly<{ subject: string; department: string; roles: readonly string[] }>;

/**
 * Roles of the heating procedure. A heating company (供热企业) needs no role: its department is its
 * company id, and it acts only on complaints assigned to it.
 */
export const HeatingRoles = {
  /** 供热监管 (the city's heating supervision office): takes complaints, orders third-party tests, approves refunds, erases personal data. */
  supervision: 'heating.supervision',
  /** 12345 / the operations centre's link and citizen intake: may lodge complaints. */
  intake: 'heating.intake',
  /** 第三方检测机构: measures when a resident disputes the company's reading. */
  lab: 'heating.lab',
  /** Monitoring gateways (室温监测网关): send readings. */
  gateway: 'heating.gateway',
  /** The durable deadline check and the monitoring rules. */
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

/** A company acts only on its own complaints; the supervision office may act on any. */
export function requireCompany(actor: Actor, command: string, companyId: string): void {
  if (actor.department !== companyId) {
    throw new ForbiddenError(`${command}: the complaint is not assigned to ${actor.department}`, {
      subject: actor.subject,
      department: actor.department,
      command,
    });
  }
}

export const hasRole = (actor: Actor, role: string): boolean => actor.roles.includes(role);

/** May see a complaint: its company, the supervision office, the system. */
export const maySee = (actor: Actor, companyId: string): boolean =>
  actor.department === companyId ||
  hasRole(actor, HeatingRoles.supervision) ||
  hasRole(actor, HeatingRoles.system) ||
  hasRole(actor, HeatingRoles.lab);
