import { ForbiddenError } from '@yiwang/kernel-core';

/** Who sends a command, as the verified token says (redeclared: domain code may not import the platform). */
export type Actor = Readonly<{ subject: string; department: string; roles: readonly string[] }>;

/** Roles parking knows. A squad (中队) is the department in the token. */
export const Roles = {
  /** 执法队员 of a squad: records, moves drivers on, serves notices, orders towing and removals. */
  officer: 'parking.officer',
  /** The camera ingest (电子抓拍): records violations from the published camera register only. */
  camera: 'parking.camera',
  /** Plans and marks parking spaces (施划泊位, 潮汐车位). */
  planner: 'parking.planner',
  /** May see plates in clear and a plate's history. */
  plates: 'parking.plates',
  /** Answers erasure requests (PIPL). */
  privacy: 'privacy.officer',
  /** The durable deadline scan and the process managers. */
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

/** A squad acts only on what is assigned to it; the system acts for every squad. */
export function requireSquad(actor: Actor, command: string, squad: string): void {
  if (actor.roles.includes(Roles.system)) return;
  if (actor.department !== squad) {
    throw new ForbiddenError(`${command}: this is assigned to ${squad}, not to ${actor.department}`, {
      subject: actor.subject,
      department: actor.department,
      command,
    });
  }
}
