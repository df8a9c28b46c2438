import { ForbiddenError } from '@yiwang/kernel-core';

/**
 * Who sends a command, as the verified token says (the platform's Principal, redeclared because
 * domain code may not import the platform).
 */
export type Actor = Readonly<{ subject: string; department: string; roles: readonly string[] }>;

/** Roles of the penalty procedure. A squad is identified by its department. */
export const Roles = {
  /** 执法队员: acts on the cases of the squad in its token. */
  officer: 'enforcement.officer',
  /** 中队长 / 负责人: approvals (立案, extensions, decisions, revocations) for its squad. */
  approver: 'enforcement.approver',
  /** 局负责人: approvals for every squad. */
  bureauHead: 'enforcement.bureau-head',
  /** 法制审核人员 (Art 58): reviews any case before its decision. */
  legalReviewer: 'enforcement.legal-reviewer',
  /** 听证主持人 (Art 64): records hearings of any case. */
  hearingOfficer: 'enforcement.hearing-officer',
  /** The deadline scan and process managers. */
  system: 'system',
} as const;

const has = (actor: Actor, roles: readonly string[]): boolean => roles.some((r) => actor.roles.includes(r));

export function requireRole(actor: Actor, command: string, ...roles: readonly string[]): void {
  if (!has(actor, roles)) {
    throw new ForbiddenError(`${command} needs role ${roles.join(' or ')}; ${actor.subject} has none of them`, {
      subject: actor.subject,
      command,
      required: roles,
    });
  }
}

/** A squad's officer or approver acts only on its own squad's cases; the bureau head on all. */
export function requireSquad(actor: Actor, command: string, squadId: string, ...roles: readonly string[]): void {
  requireRole(actor, command, ...roles, Roles.bureauHead, Roles.system);
  if (has(actor, [Roles.bureauHead, Roles.system])) return;
  if (actor.department !== squadId) {
    throw new ForbiddenError(`${command}: the case belongs to ${squadId}, not to ${actor.department}`, {
      subject: actor.subject,
      department: actor.department,
      command,
    });
  }
}

/** Roles that see every squad's cases (read side). */
export const BUREAU_WIDE_ROLES: readonly string[] = [Roles.bureauHead, Roles.legalReviewer, Roles.hearingOfficer, Roles.system];
export const seesAllSquads = (actor: Actor): boolean => has(actor, BUREAU_WIDE_ROLES);
