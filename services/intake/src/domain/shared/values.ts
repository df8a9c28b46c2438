import { ForbiddenError, ValidationError } from '@yiwang/kernel-core';

/**
 * Value types of the intake domain, each branded and built by a validating factory of the same
 * name. (The dispatch service has its own: services share events, not code.)
 */
type Brand<T, B extends string> = T & { readonly __brand: B };

export type ReportId = Brand<string, 'ReportId'>;
/** An ISO-8601 instant with an explicit offset. */
export type Instant = Brand<string, 'Instant'>;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function violation(field: string, message: string): ValidationError {
  return new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

export function ReportId(value: unknown, field = 'reportId'): ReportId {
  if (typeof value !== 'string' || !ID.test(value)) throw violation(field, 'must be an id (letters, digits, _ . : -, at most 80)');
  return value as ReportId;
}

export function Instant(value: unknown, field = 'at'): Instant {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw violation(field, 'must be an ISO-8601 instant with offset');
  }
  return value as Instant;
}

export const toMillis = (instant: string): number => Date.parse(instant);

export function text(value: unknown, field: string, { max = 2000, required = true }: { max?: number; required?: boolean } = {}): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string' || value.length > max || (required && value.trim() === '')) {
    throw violation(field, `must be ${required ? 'non-empty ' : ''}text of at most ${max} characters`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw violation(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Who sends a command, as the verified token says (the platform's Principal, redeclared). */
export type Actor = Readonly<{ subject: string; department: string; roles: readonly string[] }>;

export const IntakeRoles = {
  /** 监督中心: files or rejects reports, marks duplicates. */
  supervisionCentre: 'centre.supervision',
  /** Maintains the category table. */
  categoryAdmin: 'admin.categories',
  /** Process managers and consumers acting on other services' events. */
  system: 'system',
} as const;

export function requireRole(actor: Actor, command: string, ...roles: readonly string[]): void {
  if (!roles.some((r) => actor.roles.includes(r))) {
    throw new ForbiddenError(`${command} needs role ${roles.join(' or ')}`, { subject: actor.subject, command, required: roles });
  }
}
