import { ValidationError } from '@yiwang/kernel-core';
import { dayStartMs, localDayIndex } from '@yiwang/working-time';
import { type PartyType } from '../policy/policy';
import { fen, oneOf, optionalText, text } from '../shared/values';

export const PARTY_TYPES: readonly PartyType[] = ['person', 'organisation'];

/**
 * The party (当事人). Name, id number, phone and address are personal data: the service seals
 * them with the vault before the event is stored, so events and Kafka carry only ciphertext. The
 * public name and id (双公示) are masked here, by rule, from the plain values.
 */
export type Party = Readonly<{
  type: PartyType;
  name: string;
  idNumber: string;
  phone: string;
  address: string;
  /** 张** for a person; an organisation's name is public. */
  publicName: string;
  /** 4108**********1234 for a person; an organisation's credit code (统一社会信用代码) is public. */
  publicId: string;
}>;

const ID_CARD = /^\d{17}[\dX]$/;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const PHONE = /^[0-9+\- ]{5,20}$/;

export function party(raw: unknown): Party {
  const p = (raw ?? {}) as Record<string, unknown>;
  const type = oneOf(p['type'], PARTY_TYPES, 'party.type');
  const name = text(p['name'], 'party.name', 100);
  const idNumber = text(p['idNumber'], 'party.idNumber', 18).toUpperCase();
  if (type === 'person' && !ID_CARD.test(idNumber))
    throw new ValidationError('party.idNumber of a person must be an 18-character resident ID number', [
      { field: 'party.idNumber', message: 'not an ID number' },
    ]);
  if (type === 'organisation' && !CREDIT_CODE.test(idNumber))
    throw new ValidationError('party.idNumber of an organisation must be an 18-character unified social credit code', [
      { field: 'party.idNumber', message: 'not a credit code' },
    ]);
  const phone = optionalText(p['phone'], 'party.phone', 20);
  if (phone !== '' && !PHONE.test(phone))
    throw new ValidationError('party.phone is not a phone number', [{ field: 'party.phone', message: 'not a phone number' }]);
  const address = optionalText(p['address'], 'party.address', 300);
  const publicName = type === 'person' ? `${[...name][0] ?? ''}${'*'.repeat(Math.max([...name].length - 1, 1))}` : name;
  const publicId = type === 'person' ? `${idNumber.slice(0, 4)}${'*'.repeat(10)}${idNumber.slice(14)}` : idNumber;
  return { type, name, idNumber, phone, address, publicName, publicId };
}

/** Kinds of penalty (行政处罚法 Art 9, as a city's urban-management squads use them). */
export const PENALTY_KINDS = [
  'warning',
  'fine',
  'confiscate_illegal_gains',
  'confiscate_property',
  'suspend_permit',
  'revoke_permit',
  'order_closure',
  'order_demolition',
] as const;
export type PenaltyKind = (typeof PENALTY_KINDS)[number];

/** A penalty as intended in the prior notice or decided: kinds, the fine, and what else is ordered. */
export type Penalty = Readonly<{ kinds: readonly PenaltyKind[]; fineFen: number; confiscationFen: number; note: string }>;

export function penalty(raw: unknown, field = 'penalty'): Penalty {
  const p = (raw ?? {}) as Record<string, unknown>;
  const rawKinds = p['kinds'];
  if (!Array.isArray(rawKinds) || rawKinds.length === 0)
    throw new ValidationError(`${field}.kinds must name at least one kind of penalty`, [{ field: `${field}.kinds`, message: 'empty' }]);
  const kinds = [...new Set(rawKinds.map((k, i) => oneOf(k, PENALTY_KINDS, `${field}.kinds[${i}]`)))];
  const fineFen = fen(p['fineFen'] ?? 0, `${field}.fineFen`);
  const confiscationFen = fen(p['confiscationFen'] ?? 0, `${field}.confiscationFen`);
  if (kinds.includes('fine') !== fineFen > 0)
    throw new ValidationError(`${field}: a fine needs the kind "fine" and an amount above 0, and only a fine has one`, [
      { field: `${field}.fineFen`, message: String(fineFen) },
    ]);
  return { kinds, fineFen, confiscationFen, note: optionalText(p['note'], `${field}.note`, 1000) };
}

/** Art 45: heavier = a larger fine, a larger confiscation, or a kind the intended penalty did not have. */
export function heavierThan(decided: Penalty, intended: Penalty): string | null {
  if (decided.fineFen > intended.fineFen) return `fine ${decided.fineFen} fen > intended ${intended.fineFen} fen`;
  if (decided.confiscationFen > intended.confiscationFen)
    return `confiscation ${decided.confiscationFen} fen > intended ${intended.confiscationFen} fen`;
  const added = decided.kinds.filter((k) => !intended.kinds.includes(k));
  return added.length > 0 ? `kinds not in the notice: ${added.join(', ')}` : null;
}

const DAY_MS = 86_400_000;

/**
 * Art 72: 3 % of the fine per day late, never more than the fine. Days are whole calendar days
 * after the payment deadline (which ends at local midnight), a started day counting in full.
 */
export function surchargeFen(fineFen: number, paymentDeadlineMs: number, atMs: number, percentPerDay: number): number {
  if (atMs <= paymentDeadlineMs) return 0;
  const daysLate = Math.ceil((atMs - paymentDeadlineMs) / DAY_MS);
  return Math.min(fineFen, Math.round((fineFen * percentPerDay * daysLate) / 100));
}

/**
 * The end of the day `months` calendar months after `start`'s day in Shanghai (诉讼期 6 months,
 * 申请执行 3 months). TimeLimit has no months; this is plain date arithmetic, no holidays.
 */
export function endOfDayMonthsAfter(startMs: number, months: number): number {
  const day = localDayIndex(startMs);
  const d = new Date(day * DAY_MS);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastOfMonth));
  return dayStartMs(Math.floor(target.getTime() / DAY_MS) + 1);
}
