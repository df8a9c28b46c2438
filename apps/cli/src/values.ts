import { usage } from './cli-error';

const LOCAL = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;

/**
 * A time on the command line: ISO 8601 with a zone (`2025-03-03T08:00:00Z`, `…+08:00`), or a local
 * date / date-time without one, read in the city's zone, Asia/Shanghai (`2025-03-03`,
 * `2025-03-03T08:00`) — the way the bureau's staff write times.
 */
export function parseTime(text: string, flag: string): Date {
  const local = LOCAL.exec(text);
  const iso = local ? `${local[1]}${local[2] ?? 'T00:00'}+08:00` : text;
  const ms = /\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms))
    throw usage(`bad time for --${flag}: "${text}" (use ISO 8601, e.g. 2025-03-03T08:00+08:00, or a Shanghai date 2025-03-03)`);
  return new Date(ms);
}

export function parsePosition(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw usage(`bad position for --${flag}: "${text}" (a whole number ≥ 0)`);
  return n;
}

export const parseList = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function oneOf<T extends string>(text: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw usage(`bad value for --${flag}: "${text}" (one of ${allowed.join(', ')})`);
  return text as T;
}
